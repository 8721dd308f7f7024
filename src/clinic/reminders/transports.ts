import nodemailer from 'nodemailer';

/** One reminder ready to go: `id` is the outbox row's id, the message's idempotency key. */
export interface OutgoingMessage {
  id: string;
  to: string;
  subject: string;
  text: string;
}

/** Sends one message or throws a TransportError. */
export interface Transport {
  send(message: OutgoingMessage): Promise<void>;
}

export interface Transports {
  email?: Transport;
  sms?: Transport;
}

/**
 * A failed send. `code` is what the outbox keeps as last_error: a status or error code (`http-503`,
 * `smtp-550`, `ECONNREFUSED`), never the message text or the address.
 */
export class TransportError extends Error {
  constructor(readonly code: string) {
    super(`send failed: ${code}`);
  }
}

/** The domain of reminder Message-IDs: a reply's In-Reply-To names the reminder it answers. */
export const MESSAGE_ID_DOMAIN = 'reminders.medassist';

export function messageIdOf(reminderId: string): string {
  return `<${reminderId}@${MESSAGE_ID_DOMAIN}>`;
}

/** The reminder id an In-Reply-To or References value names, if it names one of ours. */
export function reminderIdFromMessageId(value: string | undefined): string | undefined {
  const m = /<?([A-Za-z0-9-]{1,64})@reminders\.medassist>?/.exec(value ?? '');
  return m?.[1];
}

export interface SmtpSettings {
  host: string;
  port: number;
  /** true: TLS from the first byte (port 465); false: STARTTLS when offered (required unless `allowPlain`). */
  secure: boolean;
  user?: string;
  password?: string;
  from: string;
  /** Test servers only: do not require STARTTLS. */
  allowPlain?: boolean;
}

/** Email over SMTP with nodemailer. The Message-ID is the reminder's id, the same on every attempt. */
export function smtpTransport(settings: SmtpSettings): Transport & { close(): void } {
  const transporter = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    requireTLS: !settings.secure && !settings.allowPlain,
    ignoreTLS: !!settings.allowPlain && !settings.secure,
    auth: settings.user ? { user: settings.user, pass: settings.password ?? '' } : undefined,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
  });
  return {
    async send(message: OutgoingMessage): Promise<void> {
      try {
        await transporter.sendMail({
          from: settings.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          messageId: messageIdOf(message.id),
          headers: { 'X-Medassist-Reminder': message.id },
        });
      } catch (err) {
        const e = err as { responseCode?: number; code?: string };
        throw new TransportError(e.responseCode ? `smtp-${e.responseCode}` : (e.code ?? 'smtp-error'));
      }
    },
    close(): void {
      transporter.close();
    },
  };
}

export interface SmsSettings {
  url: string;
  token: string;
}

/**
 * Text messages through an HTTP gateway: POST {to, body, id} as JSON with the bearer token. The `id` (also
 * sent as Idempotency-Key) is the same on every attempt, so a gateway that honours it sends a text once.
 * Any answer but 2xx is a failure, retried later.
 */
export function httpSmsTransport(settings: SmsSettings): Transport {
  return {
    async send(message: OutgoingMessage): Promise<void> {
      let status: number;
      try {
        const res = await fetch(settings.url, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${settings.token}`,
            'content-type': 'application/json',
            'idempotency-key': message.id,
          },
          body: JSON.stringify({ to: message.to, body: message.text, id: message.id }),
          signal: AbortSignal.timeout(15_000),
        });
        status = res.status;
        await res.arrayBuffer().catch(() => undefined);
      } catch (err) {
        const cause = (err as { cause?: { code?: string }; name?: string }).cause?.code;
        throw new TransportError(cause ?? (err as Error).name ?? 'network');
      }
      if (status < 200 || status >= 300) {
        throw new TransportError(`http-${status}`);
      }
    },
  };
}
