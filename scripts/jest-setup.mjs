// Loaded before every test file (setupFilesAfterEach): per-test cleanup registered with
// onTestFinished() runs after each test, and faked timers and spies end with the test.
import { afterEach, beforeEach } from '@jest/globals';
import { testFinished, testStarting } from '@acs/shared/testing/jest-support';

beforeEach(testStarting);
afterEach(testFinished);
