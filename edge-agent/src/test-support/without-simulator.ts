/** `node --import <this file>`: runs a process as if `@acs/hardware-sim` were not installed. */
import { register } from 'node:module';

register('./without-simulator-hooks.js', import.meta.url);
