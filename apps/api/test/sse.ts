export interface SseEvent {
  id: string | null;
  event: string;
  data: string;
}

/** A minimal EventSource over fetch, so a test can read, drop and resume a stream. */
export const openStream = async (url: string, key: string, lastEventId?: string) => {
  const ctrl = new AbortController();
  const res = await fetch(url, {
    headers: { authorization: `Bearer ${key}`, accept: "text/event-stream", ...(lastEventId ? { "last-event-id": lastEventId } : {}) },
    signal: ctrl.signal,
  });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let comments = 0;
  let done = false;
  const next = async (timeoutMs = 15_000): Promise<SseEvent | null> => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const sep = buffer.indexOf("\n\n");
      if (sep >= 0) {
        const block = buffer.slice(0, sep);
        buffer = buffer.slice(sep + 2);
        const ev: SseEvent = { id: null, event: "message", data: "" };
        let hasData = false;
        for (const line of block.split("\n")) {
          if (line.startsWith(":")) comments += 1;
          else if (line.startsWith("id: ")) ev.id = line.slice(4);
          else if (line.startsWith("event: ")) ev.event = line.slice(7);
          else if (line.startsWith("data: ")) {
            ev.data += line.slice(6);
            hasData = true;
          }
        }
        if (hasData) return ev;
        continue;
      }
      if (done) return null;
      if (Date.now() > until) throw new Error("no event in time");
      const chunk = await reader.read();
      if (chunk.done) done = true;
      else buffer += decoder.decode(chunk.value, { stream: true });
    }
  };
  return {
    status: res.status,
    headers: res.headers,
    next,
    comments: () => comments,
    /** Every event up to and including `end` (or the stream's close). */
    rest: async () => {
      const out: SseEvent[] = [];
      for (;;) {
        const ev = await next();
        if (!ev) return out;
        out.push(ev);
        if (ev.event === "end") return out;
      }
    },
    close: () => ctrl.abort(),
  };
};
