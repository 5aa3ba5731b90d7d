// Every scenario of scenarios.mjs in Chromium (playwright-core).
import { runScenarios } from './run.mjs';

runScenarios('chromium');
