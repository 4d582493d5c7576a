import { describeBackgroundImage } from "./artefact.js";

describeBackgroundImage("worker", { started: '"worker started"', stopped: '"stopped"' });
