// Every scenario of scenarios.mjs in Firefox ESR (puppeteer-core, WebDriver BiDi).
import { runScenarios } from './run.mjs';

runScenarios('firefox');
