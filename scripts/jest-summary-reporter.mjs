// Closes a Jest run with what was skipped and why (describeUnless/testUnless put the reason in
// the name), then one plain line, `N passed, N failed, N skipped`, the summary that CI reads. A test
// file that could not even load counts as one failure.
import { relative } from 'node:path';

export default class SummaryReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(_testContexts, results) {
    const skipped = new Map(); // what was skipped -> how many tests
    for (const file of results.testResults) {
      for (const test of file.testResults) {
        if (test.status !== 'pending' && test.status !== 'skipped' && test.status !== 'todo') continue;
        const titles = [...test.ancestorTitles, test.title];
        // A whole skipped suite is listed once, not once for each of its tests.
        const reasonAt = titles.findIndex((title) => title.includes('[skipped'));
        const what = `${relative(this.rootDir, file.testFilePath)}: ${titles.slice(0, reasonAt >= 0 ? reasonAt + 1 : titles.length).join(' › ')}`;
        skipped.set(what, (skipped.get(what) ?? 0) + 1);
      }
    }
    const lines = [];
    if (skipped.size > 0) {
      lines.push('', 'Skipped:');
      for (const [what, count] of skipped) lines.push(`  ○ ${what}${count > 1 ? ` (${count} tests)` : ''}`);
    }
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    lines.push('', `${results.numPassedTests} passed, ${failed} failed, ${results.numPendingTests + results.numTodoTests} skipped`);
    process.stdout.write(`${lines.join('\n')}\n`);
  }
}
