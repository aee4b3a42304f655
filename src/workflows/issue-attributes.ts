// The issue workflow's search attributes, written once per stage a worker waits on.
import { upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';

/**
 * Each upsert is a history event and a visibility write on the server. Updates made within one
 * workflow task reach the server together anyway, so the batched form keeps them until `flush`
 * (before an activity on a queue, a pause, the decision) and writes them as one; it also skips
 * values the workflow already had when it started. The unbatched form writes each at once, as
 * runs recorded before batching did.
 */
export class IssueAttributes {
  private readonly pending = new Map<string, SearchAttributeUpdatePair>();

  constructor(private readonly batched: boolean) {}

  set(updates: SearchAttributeUpdatePair[]): void {
    if (!this.batched) {
      upsertSearchAttributes(updates);
      return;
    }
    for (const u of updates) this.pending.set(u.key.name, u);
  }

  /** Like `set`, but leaves out values the workflow was started with. */
  setUnlessStartedWith(updates: SearchAttributeUpdatePair[]): void {
    if (!this.batched) {
      this.set(updates);
      return;
    }
    const started = workflowInfo().typedSearchAttributes;
    this.set(updates.filter((u) => started.get(u.key) !== u.value));
  }

  flush(): void {
    if (this.pending.size === 0) return;
    upsertSearchAttributes([...this.pending.values()]);
    this.pending.clear();
  }
}
