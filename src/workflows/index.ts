// Every workflow the workers register. Workflow code imports only types from activities.
export { doctorWorkflow } from './doctor.js';
export { issueWorkflow } from './issue.js';
export { followUpWorkflow } from './follow-up.js';
export { repoWorkflow } from './repo.js';
export { campaignWorkflow } from './campaign.js';
export { discoveryWorkflow, reprioritizeWorkflow } from './scheduled.js';
