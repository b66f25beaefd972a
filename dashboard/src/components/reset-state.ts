import { useCallback, useState, type Dispatch, type SetStateAction } from 'react';

/**
 * State that starts over from `init()` whenever one of `deps` changes (each compared with
 * Object.is, as React compares a hook's dependencies): an editable draft of server data, or
 * a dialog's input for the record it was opened on.
 *
 * The reset happens while rendering, as React advises for state that follows a prop
 * (https://react.dev/learn/you-might-not-need-an-effect#adjusting-some-state-when-a-prop-changes),
 * not in an effect that would first show the stale value and then render again.
 */
export function useResetState<T>(init: () => T, deps: readonly unknown[]): [T, Dispatch<SetStateAction<T>>] {
  const [state, setState] = useState(() => ({ deps, value: init() }));
  let current = state;
  if (deps.length !== state.deps.length || deps.some((dep, i) => !Object.is(dep, state.deps[i]))) {
    current = { deps, value: init() };
    setState(current);
  }
  const setValue = useCallback<Dispatch<SetStateAction<T>>>(
    (action) =>
      setState((previous) => ({
        deps: previous.deps,
        value: typeof action === 'function' ? (action as (value: T) => T)(previous.value) : action,
      })),
    [],
  );
  return [current.value, setValue];
}
