/** Transactions: the newest northbound transactions, each with its per-device outcome (configs are summarized, never shown). */
import { Router } from 'express';
import { viewOf } from '../../commit/transactionService.ts';
import type { Ui } from '../deps.ts';

/** The page lists the newest transactions, newest first. */
const PAGE_SIZE = 100;

export function transactionsPages(ui: Ui): Router {
  const r = Router();
  r.get('/transactions', async (req, res) => {
    ui.page(req, res, 'transactions.njk', { transactions: (await ui.transactions.recent(PAGE_SIZE)).map(viewOf), pageSize: PAGE_SIZE });
  });
  return r;
}
