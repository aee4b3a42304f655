import { CancelledFailure } from '@temporalio/common';
import type { ActivityInboundCallsInterceptor, ActivityInterceptorsFactory } from '@temporalio/worker';
import type { WorkerMetrics } from './registry.js';

/** Times every activity execution, labelled with its type (the pipeline stage) and outcome. */
export function stageMetricsInterceptor(metrics: WorkerMetrics): ActivityInterceptorsFactory {
  return (ctx) => {
    const stage = ctx.info.activityType;
    const inbound: ActivityInboundCallsInterceptor = {
      execute: async (input, next) => {
        const stop = metrics.stageSeconds.startTimer({ stage });
        try {
          const result = await next(input);
          stop({ outcome: 'ok' });
          return result;
        } catch (err) {
          stop({ outcome: err instanceof CancelledFailure ? 'cancelled' : 'failed' });
          throw err;
        }
      },
    };
    return { inbound };
  };
}
