import { describeBackgroundImage } from "./artefact.js";

describeBackgroundImage("scheduler", { started: '"scheduler started"', stopped: '"shutting down"' });
