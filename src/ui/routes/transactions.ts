/** Transactions: every northbound transaction with its per-device outcome (configs are summarized, never shown). */
import { Router } from 'express';
import { viewOf } from '../../commit/transactionService.ts';
import type { Ui } from '../deps.ts';

export function transactionsPages(ui: Ui): Router {
  const r = Router();
  r.get('/transactions', async (req, res) => {
    ui.page(req, res, 'transactions.njk', { transactions: (await ui.transactions.list()).map(viewOf) });
  });
  return r;
}
