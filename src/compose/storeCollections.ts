/**
 * Every store collection with the schema its records are checked against at load. A module that declares a
 * collection (`declare module '../model/store.ts' { interface Collections { name: Record } }`) exports a
 * `recordSchema<Record>()(...)` beside the declaration and adds it here; until it does, this file does not
 * compile, and test/unit/store/storeCollections.test.ts names the collection.
 */
import { notificationRecordSchema } from '../alarms/notifications.ts';
import { checkRecordSchema } from '../checks/model.ts';
import { runRecordSchema } from '../commit/journal.ts';
import { transactionRecordSchema } from '../commit/transactionService.ts';
import { repoEventSchema } from '../intake/repoState.ts';
import { membershipSnapshotSchema } from '../sources/inventorySync.ts';
import { jobSchema, linknetSchema, mgmtDomainSchema } from '../store/coreSchemas.ts';
import type { CollectionSchemas } from '../model/schemaKit.ts';

export const storeCollections: CollectionSchemas = {
  jobs: jobSchema,
  linknets: linknetSchema,
  mgmtdomains: mgmtDomainSchema,
  transactions: transactionRecordSchema,
  checks: checkRecordSchema,
  alarmNotifications: notificationRecordSchema,
  repoEvents: repoEventSchema,
  inventoryMembership: membershipSnapshotSchema,
  runs: runRecordSchema,
};
