// Every workflow the workers register. Workflow code imports only types from activities.
export { doctorWorkflow } from './doctor.js';
