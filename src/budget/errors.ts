import { BudgetExhausted } from '../errors.js';

/**
 * BudgetExhausted that also says, as data, which scope had no room. Its name stays
 * `BudgetExhausted` so retry policies and workflows that match on the failure type still do.
 */
export class ScopeExhausted extends BudgetExhausted {
  constructor(readonly scope: string, message: string) {
    super(message);
    this.name = 'BudgetExhausted';
  }
}
