/**
 * Server-sent events for live pages: /ui/events says "devices" when the inventory changes, /ui/overview/events
 * "overview" when anything the overview shows changes, /ui/job-list/events "jobs" when a job starts, moves on or ends;
 * /ui/jobs/{id}/events says "job" whenever that job's record changes and "done" when it has ended.
 * Events carry no data worth stealing: the page re-fetches its own fragment, through the session.
 * `?since=` is the version the page was rendered with (liveVersion.ts): what changed before the stream
 * started is told at once.
 */
import { Router } from 'express';
import type { Request, Response } from 'express';
import type { JobRunner } from '../../jobs/jobRunner.ts';
import { isFinished } from '../../model/job.ts';
import type { ChangeFeed } from '../changeFeed.ts';
import { jobVersion, parseVersion } from '../liveVersion.ts';

const HEARTBEAT_MS = 15_000;
const JOB_POLL_MS = 250;

function openStream(res: Response): (event: string) => void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  res.write('retry: 2000\n\n');
  return (event) => res.write(`event: ${event}\ndata: ${event}\n\n`);
}

// The stream ends when the response closes (the browser went away): the request may "close" as soon as its
// (empty) body has been read, which would end the subscription at once.
export function eventsRoute(feeds: { devices: ChangeFeed; overview: ChangeFeed; jobs: ChangeFeed }, jobs: JobRunner): Router {
  const r = Router();

  const follow = (feed: ChangeFeed) => (req: Request, res: Response) => {
    const send = openStream(res);
    const unsubscribe = feed.subscribe(send, parseVersion(req.query.since));
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    res.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  };
  r.get('/ui/events', follow(feeds.devices));
  r.get('/ui/overview/events', follow(feeds.overview));
  r.get('/ui/job-list/events', follow(feeds.jobs));

  r.get('/ui/jobs/:id/events', async (req, res) => {
    let job = await jobs.get(req.params.id);
    const send = openStream(res);
    let closed = false;
    res.on('close', () => (closed = true));
    const seen = parseVersion(req.query.since);
    let last = jobVersion(job);
    if (seen !== undefined && seen !== last && !isFinished(job.status)) send('job');
    while (!closed && !isFinished(job.status)) {
      await new Promise((resolve) => setTimeout(resolve, JOB_POLL_MS));
      const now = await jobs.get(job.id).catch(() => undefined);
      if (!now) break;
      job = now;
      const version = jobVersion(job);
      if (version !== last) send('job');
      last = version;
    }
    if (!closed) {
      send('done');
      // Kept open (idle) so EventSource does not reconnect and replay "done" in a loop.
      const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
      res.on('close', () => clearInterval(heartbeat));
    }
  });

  return r;
}
