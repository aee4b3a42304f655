// A worker process for the SDK floor bench: the production SDK with its default options (as the
// core queue's worker runs), the floor workflow, and an activity that does nothing.
import { NativeConnection, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { FLOOR_QUEUE, type FloorActivities } from './kinds.js';

const address = process.env['TEMPORAL_ADDRESS'];
if (!address) throw new Error('TEMPORAL_ADDRESS is not set');
const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const workflowBundle = await bundleWorkflowCode({ workflowsPath: new URL('./workflows.ts', import.meta.url).pathname, logger: quiet });
const connection = await NativeConnection.connect({ address });
const activities: FloorActivities = { echo: (i) => Promise.resolve(i) };
const worker = await Worker.create({ connection, taskQueue: FLOOR_QUEUE, workflowBundle, activities });
process.stdout.write('ready\n');
await worker.run();
await connection.close();
