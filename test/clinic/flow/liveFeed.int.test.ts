import { describe, expect, it } from 'vitest';
import { FlowFeed } from '../../../src/clinic/flow/liveFeed.js';
import type { FlowNotice } from '../../../src/clinic/flow/visit.js';
import { newPractice, testEngines, useEngine } from '../../harness.js';
import { clinic, frontDesk, goodCheckIn, post, SITE } from './fixtures.js';

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(testEngines())('the flow feed in one process [%s]', (engine) => {
  const h = useEngine(engine);

  it('hears a committed check-in at its site, nothing of a refused one, nothing of another practice', async () => {
    const ctx = await newPractice(h.db, 'feed');
    const other = await newPractice(h.db, 'feed-other');
    await clinic(h.app, ctx);
    await clinic(h.app, other);
    const desk = await frontDesk(h.db, ctx);
    const otherDesk = await frontDesk(h.db, other);
    const feed = new FlowFeed(h.db);
    const heard: FlowNotice[] = [];
    const unsubscribe = await feed.subscribe(ctx.practiceId, SITE, (n) => heard.push(n));
    try {
      const refused = await post(
        h.app,
        desk,
        '/api/flow/check-in',
        goodCheckIn({ identity: { name: 'Someone Else', birthDate: '1980-04-12' } })
      );
      expect(refused.status).toBe(400);
      const elsewhere = await post(h.app, otherDesk, '/api/flow/check-in', goodCheckIn());
      expect(elsewhere.status).toBe(201);
      await settle(200);
      expect(heard).toEqual([]);
      const res = await post(h.app, desk, '/api/flow/check-in', goodCheckIn());
      expect(res.status).toBe(201);
      for (let i = 0; i < 50 && heard.length === 0; i++) await settle(20);
      expect(heard).toEqual([
        {
          practice: ctx.practiceId,
          location: SITE,
          appointmentId: 'appt-1',
          encounterId: res.body.encounter.id,
          status: 'arrived',
          at: expect.any(String),
        },
      ]);
      expect(feed.versionOf(ctx.practiceId, SITE)).toBe(1);
    } finally {
      unsubscribe();
      await feed.stop();
    }
    expect(feed.size).toBe(0);
  });
});
