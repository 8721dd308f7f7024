import { describe, expect, it } from 'vitest';
import { attemptSummary, dueLabel, NO_FILTER, recallQuery } from '../../web/src/recall/recallModel.js';

describe('the recall list’s filters', () => {
  it('become a query string of flags and a visit-type code only', () => {
    expect(recallQuery(NO_FILTER)).toBe('');
    expect(recallQuery({ overdueOnly: true, visitType: 'lab-draw', includeClosed: true })).toBe(
      '?overdue=true&visitType=lab-draw&closed=true'
    );
    expect(recallQuery({ ...NO_FILTER, visitType: 'follow-up' })).toBe('?visitType=follow-up');
  });
});

describe('how due a recall is', () => {
  const today = '2026-11-27';
  it('says overdue days, due today or in how many days, in words', () => {
    expect(dueLabel({ overdueDays: 11, dueDate: '2026-11-16', closed: false }, today)).toEqual({
      text: '11 days overdue',
      color: 'orange',
    });
    expect(dueLabel({ overdueDays: 1, dueDate: '2026-11-26', closed: false }, today).text).toBe(
      '1 day overdue'
    );
    expect(dueLabel({ overdueDays: 45, dueDate: '2026-10-13', closed: false }, today).color).toBe('red');
    expect(dueLabel({ overdueDays: 0, dueDate: '2026-11-27', closed: false }, today).text).toBe('Due today');
    // 27 November to 5 December is 8 days.
    expect(dueLabel({ overdueDays: 0, dueDate: '2026-12-05', closed: false }, today)).toEqual({
      text: 'Due in 8 days',
      color: 'blue',
    });
    expect(dueLabel({ overdueDays: 3, dueDate: '2026-11-24', closed: true }, today).text).toBe('Closed');
  });

  it('sums up the contact attempts', () => {
    expect(attemptSummary({ attempts: 0 })).toBe('No attempts yet');
    expect(
      attemptSummary({
        attempts: 2,
        lastAttempt: { at: '2026-11-20T16:04:00.000Z', method: 'phone', outcome: 'left-message' },
      })
    ).toBe('2 attempts; last: Left a message (phone call, 2026-11-20)');
    expect(
      attemptSummary({
        attempts: 1,
        lastAttempt: { at: '2026-11-21T09:00:00.000Z', method: 'sms', outcome: 'declined' },
      })
    ).toBe('1 attempt; last: Declined (text message, 2026-11-21)');
  });
});
