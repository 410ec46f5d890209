// A change ready for the gate, as the gate's HTTP tests need one: high risk on payments-api (prod), shipping
// `artifact`, approved by security and technical, scheduled from the test clock's now for two hours.
import { COMPLETE_RECORD, type TestApp } from './app.ts';
import { act, hoursLater, raise } from './http.ts';

export async function approvedForGate(t: TestApp, artifact: string): Promise<string> {
  const id = (
    await raise(t, 'alice', {
      title: 'TLS 1.3 only',
      services: ['payments-api'],
      ...COMPLETE_RECORD,
      artifacts: [artifact],
    })
  ).id;
  await act(t, 'alice', id, 'submit');
  await act(t, 'sam', id, 'approve');
  await act(t, 'tom', id, 'approve');
  await act(t, 'alice', id, 'schedule', {
    window: { start: t.clock.now.toISOString(), end: hoursLater(t.clock.now, 2).toISOString() },
  });
  return id;
}
