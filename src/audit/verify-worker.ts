/**
 * A worker thread of `verifyLog`: checks one stretch of the log on a store of its own, posting
 * its progress and then its report.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openStoreAt } from '../store/open-event-store.js';
import { loadRegistry, verifySegment, type WorkerInput, type WorkerMessage } from './verify.js';

const { location, segment, digest } = workerData as WorkerInput;
const post = (message: WorkerMessage): void => parentPort?.postMessage(message);
const store = openStoreAt(location, { poolSize: 3, applicationName: 'pet-events verify' });
try {
  const report = await verifySegment(store, await loadRegistry(store), segment, digest, (checked) =>
    post({ checked }),
  );
  post({ report });
} finally {
  await store.close();
}
