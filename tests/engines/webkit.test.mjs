// Every scenario of scenarios.mjs in WebKitGTK (selenium-webdriver, WebKitWebDriver).
import { runScenarios } from './run.mjs';

runScenarios('webkit');
