// The personal iCalendar feed: create a token (shown once, as a full address to copy into a calendar app)
// or revoke it. A new token replaces any earlier one; the server keeps only its hash.
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api, problem } from '../api.ts';

export function Subscribe() {
  const [copied, setCopied] = useState(false);
  const create = useMutation({ mutationFn: () => api.calendar.createFeedToken() });
  const revoke = useMutation({ mutationFn: () => api.calendar.revokeFeedToken() });
  const url = create.data ? new URL(create.data.url, window.location.origin).toString() : null;
  const failed = create.error ?? revoke.error;
  return (
    <section className="subscribe" aria-labelledby="subscribe-h">
      <h2 id="subscribe-h">Subscribe</h2>
      <p>
        Follow this calendar in your calendar app through a personal address. It is shown once; making a new
        one or revoking it stops the old one working.
      </p>
      <div className="buttons">
        <button
          type="button"
          disabled={create.isPending}
          onClick={() => {
            revoke.reset();
            setCopied(false);
            create.mutate();
          }}
        >
          Create feed address
        </button>
        <button
          type="button"
          className="secondary"
          disabled={revoke.isPending}
          onClick={() => {
            create.reset();
            revoke.mutate();
          }}
        >
          Revoke feed address
        </button>
      </div>
      {url && (
        <div className="feed-url">
          <label htmlFor="feed-url">Your feed address (shown once)</label>
          <input id="feed-url" readOnly value={url} onFocus={(e) => e.currentTarget.select()} />
          <button
            type="button"
            className="secondary"
            onClick={() => void navigator.clipboard?.writeText(url).then(() => setCopied(true))}
          >
            Copy
          </button>
          {copied && <span role="status"> Copied.</span>}
        </div>
      )}
      {revoke.isSuccess && <p role="status">Feed address revoked; subscribed apps stop updating.</p>}
      {failed && (
        <p className="error" role="alert">
          {problem(failed)}
        </p>
      )}
    </section>
  );
}
