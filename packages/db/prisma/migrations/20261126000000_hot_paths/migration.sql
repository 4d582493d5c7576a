-- The hot paths (accepting runs, checkpointing nodes) as functions: one round trip and one
-- transaction for a whole batch of requests from concurrent callers, so commits per run stay
-- few however many runs are in flight.

-- ---------------------------------------------------------------------------
-- The cap on a user's unfinished runs. `unfinished_max` is an upper bound of the user's pending
-- and running runs: every run that becomes unfinished raises it (triggers), finishing runs leave it
-- alone, and a creation that would pass the cap by it counts the runs for real and lowers it to the
-- count. So workers never write it, and a creation reads one locked row, not all the user's runs.
CREATE TABLE "user_run_counts" (
    "user_id" UUID NOT NULL,
    "unfinished_max" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "user_run_counts_pkey" PRIMARY KEY ("user_id")
);

ALTER TABLE "user_run_counts" ADD CONSTRAINT "user_run_counts_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

INSERT INTO "user_run_counts" ("user_id", "unfinished_max")
SELECT "user_id", count(*) FROM "runs" WHERE "status" IN ('pending', 'running') GROUP BY "user_id";

CREATE FUNCTION ja_runs_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO user_run_counts AS c (user_id, unfinished_max)
  SELECT user_id, count(*) FROM added WHERE status IN ('pending', 'running') GROUP BY user_id ORDER BY user_id
  ON CONFLICT (user_id) DO UPDATE SET unfinished_max = c.unfinished_max + excluded.unfinished_max;
  RETURN NULL;
END $$;

CREATE FUNCTION ja_run_reopened() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO user_run_counts AS c (user_id, unfinished_max) VALUES (NEW.user_id, 1)
  ON CONFLICT (user_id) DO UPDATE SET unfinished_max = c.unfinished_max + 1;
  RETURN NULL;
END $$;

CREATE TRIGGER runs_added AFTER INSERT ON runs REFERENCING NEW TABLE AS added
  FOR EACH STATEMENT EXECUTE FUNCTION ja_runs_added();
CREATE TRIGGER runs_reopened AFTER UPDATE OF status ON runs FOR EACH ROW
  WHEN (OLD.status NOT IN ('pending', 'running') AND NEW.status IN ('pending', 'running')) EXECUTE FUNCTION ja_run_reopened();

-- Null when `p_adding` more runs keep the user within `p_cap` unfinished runs; else how many are
-- unfinished now. Holds the user's row until the transaction ends, so concurrent creations queue.
CREATE FUNCTION ja_check_cap(p_user UUID, p_adding INTEGER, p_cap INTEGER) RETURNS INTEGER LANGUAGE plpgsql AS $$
DECLARE
  v_max INTEGER;
  v_count INTEGER;
BEGIN
  INSERT INTO user_run_counts (user_id) VALUES (p_user) ON CONFLICT (user_id) DO NOTHING;
  SELECT unfinished_max INTO v_max FROM user_run_counts WHERE user_id = p_user FOR UPDATE;
  IF v_max + p_adding <= p_cap THEN RETURN NULL; END IF;
  SELECT count(*) INTO v_count FROM runs WHERE user_id = p_user AND status IN ('pending', 'running');
  UPDATE user_run_counts SET unfinished_max = v_count WHERE user_id = p_user;
  IF v_count + p_adding <= p_cap THEN RETURN NULL; END IF;
  RETURN v_count;
END $$;

-- Rows updated in place several times per run leave room on their page for the new version (HOT updates).
ALTER TABLE "runs" SET (fillfactor = 85);
ALTER TABLE "workflow_executions" SET (fillfactor = 70);
ALTER TABLE "node_executions" SET (fillfactor = 80);

-- ---------------------------------------------------------------------------
-- Run events, stored (the SSE replay) and published on `run_events` as notifications each
-- carrying a JSON array of up to 25 events, oldest first: {id, type, runId, executionId, ms (the
-- time stored, epoch milliseconds), ...data}. Events are small (data holds a node name, a status,
-- a progress), so 25 stay well within a notification's 8000 bytes. The checkpoint functions
-- collect a batch's events as `ja_events`.
CREATE TYPE ja_events AS (runs UUID[], execs UUID[], types TEXT[], data JSONB[]);

-- `ev` with one more event.
CREATE FUNCTION ja_ev_add(ev ja_events, p_run UUID, p_exec UUID, p_type TEXT, p_data JSONB) RETURNS ja_events LANGUAGE sql IMMUTABLE AS $$
  SELECT ROW(ev.runs || p_run, ev.execs || p_exec, ev.types || p_type, ev.data || p_data)::ja_events
$$;

CREATE FUNCTION ja_emit(ev ja_events) RETURNS VOID LANGUAGE plpgsql AS $$
DECLARE
  v_payload TEXT;
BEGIN
  IF coalesce(cardinality(ev.types), 0) = 0 THEN RETURN; END IF;
  FOR v_payload IN
    WITH ins AS (
      INSERT INTO run_events (run_id, execution_id, type, data, created_at)
      SELECT t.run_id, t.exec_id, t.type, t.data, clock_timestamp()
        FROM unnest(ev.runs, ev.execs, ev.types, ev.data) WITH ORDINALITY AS t(run_id, exec_id, type, data, n) ORDER BY n
      RETURNING id, run_id, execution_id, type, data, created_at
    ), numbered AS (
      SELECT *, row_number() OVER (ORDER BY id) - 1 AS k FROM ins
    )
    SELECT '[' || string_agg(
             '{"id":"' || id || '","type":' || to_json(type) || ',"runId":"' || run_id || '","executionId":"' || execution_id
             || '","ms":' || floor(extract(epoch FROM created_at) * 1000)::bigint
             || CASE WHEN data = '{}'::jsonb THEN '' ELSE ',' || substr(data::text, 2, length(data::text) - 2) END || '}',
             ',' ORDER BY id) || ']'
      FROM numbered GROUP BY k / 25 ORDER BY k / 25
  LOOP
    PERFORM pg_notify('run_events', v_payload);
  END LOOP;
END $$;

-- One event from outside the checkpoint functions: {run, exec, type, ...data}.
CREATE FUNCTION ja_emit_one(e JSONB) RETURNS VOID LANGUAGE sql AS $$
  SELECT ja_emit(ja_ev_add(ROW('{}', '{}', '{}', '{}')::ja_events, (e->>'run')::uuid, (e->>'exec')::uuid, e->>'type', e - 'run' - 'exec' - 'type'))
$$;

-- ---------------------------------------------------------------------------
-- Inserts a user's runs, each with its first (pending) execution: p_runs = [{kind, input,
-- profileId, webhookUrl, priority}] → [{runId, executionId}] in the same order (ids are made first).
CREATE FUNCTION ja_insert_runs(p_user UUID, p_runs JSONB) RETURNS JSONB LANGUAGE plpgsql AS $$
DECLARE
  v_runs JSONB;
BEGIN
  WITH src AS (
    SELECT gen_random_uuid() AS run_id, gen_random_uuid() AS exec_id, x, n
      FROM jsonb_array_elements(p_runs) WITH ORDINALITY AS t(x, n)
  ), new_runs AS (
    INSERT INTO runs (id, user_id, kind, status, profile_id, input, webhook_url, priority, created_at, updated_at)
    SELECT run_id, p_user, (x->>'kind')::"RunKind", 'pending', (x->>'profileId')::uuid, x->'input',
           x->>'webhookUrl', (x->>'priority')::int, clock_timestamp(), now()
      FROM src ORDER BY n
    RETURNING id
  ), new_execs AS (
    INSERT INTO workflow_executions (id, run_id, created_at, updated_at)
    SELECT exec_id, run_id, now(), now() FROM src WHERE run_id IN (SELECT id FROM new_runs) ORDER BY n
  )
  SELECT jsonb_agg(jsonb_build_object('runId', run_id, 'executionId', exec_id) ORDER BY n) INTO v_runs FROM src;
  RETURN v_runs;
END $$;

-- ---------------------------------------------------------------------------
-- Creating runs. p: [{u: user id, cap: max unfinished or null, runs: [{kind, input, profileId, webhookUrl, priority}]}]
-- → per request {ok: true, runs: [{runId, executionId}]} or {ok: false, limit, unfinished}.
-- Users' rows are locked in id order first: two batches never wait on each other in a cycle.
CREATE FUNCTION ja_create_runs(p JSONB) RETURNS JSONB LANGUAGE plpgsql AS $$
DECLARE
  req RECORD;
  v_out JSONB[] := array_fill(NULL::JSONB, ARRAY[jsonb_array_length(p)]);
  v_unfinished INTEGER;
  v_runs JSONB;
BEGIN
  INSERT INTO user_run_counts (user_id)
  SELECT DISTINCT (r->>'u')::uuid FROM jsonb_array_elements(p) r WHERE r->>'cap' IS NOT NULL ORDER BY 1
  ON CONFLICT (user_id) DO NOTHING;
  PERFORM 1 FROM user_run_counts
   WHERE user_id = ANY (ARRAY(SELECT (r->>'u')::uuid FROM jsonb_array_elements(p) r WHERE r->>'cap' IS NOT NULL))
   ORDER BY user_id FOR UPDATE;
  FOR req IN SELECT r, i FROM jsonb_array_elements(p) WITH ORDINALITY AS t(r, i) LOOP
    IF req.r->>'cap' IS NOT NULL THEN
      v_unfinished := ja_check_cap((req.r->>'u')::uuid, jsonb_array_length(req.r->'runs'), (req.r->>'cap')::int);
      IF v_unfinished IS NOT NULL THEN
        v_out[req.i] := jsonb_build_object('ok', false, 'limit', (req.r->>'cap')::int, 'unfinished', v_unfinished);
        CONTINUE;
      END IF;
    END IF;
    v_runs := ja_insert_runs((req.r->>'u')::uuid, req.r->'runs');
    v_out[req.i] := jsonb_build_object('ok', true, 'runs', v_runs);
  END LOOP;
  RETURN to_jsonb(v_out);
END $$;

-- ---------------------------------------------------------------------------
-- Checkpoints. Every write after a claim is fenced: it happens only while the
-- writing attempt still owns the execution (no newer attempt, still running);
-- otherwise the operation answers {ok: false} and writes nothing (an operation
-- found stale only after it wrote raises JA001, which undoes the batch; the
-- caller then applies its operations one at a time). Each operation returns
-- its answer and adds its events to the batch's, which are stored and
-- published once, at the end.

-- Claim: {e, nodes: {<run kind>: [node names in order]}} → a new attempt (attempts + 1), the run
-- running, an earlier execution's checkpoints copied (a retry resumes from them), and the first node
-- without a checkpoint started unless the run's cancellation was asked for.
-- → {ok, attempt, startedAt, runId, userId, kind, input, checkpoints, cancel, started}
CREATE FUNCTION ja_cp_claim(op JSONB, INOUT ev ja_events, OUT r JSONB) LANGUAGE plpgsql AS $$
DECLARE
  v_exec UUID := (op->>'e')::uuid;
  e RECORD;
  run RECORD;
  c RECORD;
  v_copied INTEGER;
  v_cps JSONB := '{}';
  v_first TEXT;
  v_pos INTEGER;
BEGIN
  SELECT run_id, status, attempts, created_at INTO e FROM workflow_executions WHERE id = v_exec;
  IF NOT FOUND OR e.status NOT IN ('pending', 'running') THEN
    r := '{"ok": false}';
    RETURN;
  END IF;

  -- a retried run: the nodes its earlier executions finished are this execution's checkpoints too
  v_copied := 0;
  IF e.attempts = 0 AND EXISTS (SELECT 1 FROM workflow_executions WHERE run_id = e.run_id AND created_at < e.created_at) THEN
    INSERT INTO node_executions (id, execution_id, name, position, status, attempts, output, started_at, finished_at)
    SELECT gen_random_uuid(), v_exec, x.name, x.position, 'completed', 0, x.output, x.started_at, x.finished_at
      FROM (SELECT DISTINCT ON (n.name) n.name, n.position, n.output, n.started_at, n.finished_at
              FROM workflow_executions w
              JOIN LATERAL (SELECT * FROM node_executions WHERE execution_id = w.id AND status = 'completed') n ON true
             WHERE w.run_id = e.run_id AND w.id <> v_exec AND w.created_at < e.created_at
             ORDER BY n.name, w.created_at DESC) x
    ON CONFLICT (execution_id, name) DO NOTHING;
    GET DIAGNOSTICS v_copied = ROW_COUNT;
  END IF;

  UPDATE runs SET status = 'running', started_at = coalesce(started_at, now()), updated_at = now()
   WHERE id = e.run_id
  RETURNING id, user_id, kind, input, cancel_requested_at IS NOT NULL AS cancel INTO run;

  -- a first claim of a run's first execution has no checkpoints to read
  IF e.attempts > 0 OR v_copied > 0 THEN
    SELECT coalesce(jsonb_object_agg(name, coalesce(output, '{}'::jsonb)), '{}'::jsonb) INTO v_cps
      FROM node_executions WHERE execution_id = v_exec AND status = 'completed';
  END IF;
  IF NOT run.cancel THEN
    SELECT t.name, t.pos - 1 INTO v_first, v_pos
      FROM jsonb_array_elements_text(op->'nodes'->(run.kind::text)) WITH ORDINALITY AS t(name, pos)
     WHERE NOT v_cps ? t.name ORDER BY t.pos LIMIT 1;
  END IF;

  UPDATE workflow_executions
     SET status = 'running', attempts = attempts + 1, started_at = coalesce(started_at, now()), updated_at = now(),
         current_node = coalesce(v_first, current_node)
   WHERE id = v_exec
  RETURNING attempts, started_at INTO c;

  ev := ja_ev_add(ev, e.run_id, v_exec, 'run.status', '{"status": "running"}');
  IF v_first IS NOT NULL THEN
    INSERT INTO node_executions AS n (id, execution_id, name, position, status, attempts, started_at)
    VALUES (gen_random_uuid(), v_exec, v_first, v_pos, 'running', 1, clock_timestamp())
    ON CONFLICT (execution_id, name) DO UPDATE
       SET status = 'running', attempts = n.attempts + 1, started_at = clock_timestamp(), finished_at = NULL;
    ev := ja_ev_add(ev, e.run_id, v_exec, 'node.started', jsonb_build_object('node', v_first));
  END IF;
  r := jsonb_build_object('ok', true, 'attempt', c.attempts, 'startedAt', c.started_at, 'runId', run.id, 'userId', run.user_id,
                          'kind', run.kind, 'input', run.input, 'checkpoints', v_cps, 'cancel', run.cancel, 'started', v_first);
END $$;

-- Checkpoints a node of an execution the caller owns (d: {node, output, progress}); a node that
-- has its checkpoint already means the caller is stale.
CREATE FUNCTION ja_cp_done(p_exec UUID, d JSONB) RETURNS VOID LANGUAGE plpgsql AS $$
BEGIN
  UPDATE node_executions SET status = 'completed', output = d->'output', finished_at = clock_timestamp()
   WHERE execution_id = p_exec AND name = d->>'node' AND status <> 'completed';
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'JA001', MESSAGE = format('node %s of execution %s already has its checkpoint', d->>'node', p_exec);
  END IF;
END $$;

-- Node boundaries, all of a batch's at once (a statement per step, not per boundary): each
-- {e, a, done?: {node, output, progress, tokens}, next?: {node, position}} → {ok, cancel, started}.
-- `done` is checkpointed and `next` started, unless the run's cancellation was asked for.
CREATE FUNCTION ja_cp_advance(p JSONB, INOUT ev ja_events, INOUT answers JSONB[]) LANGUAGE plpgsql AS $$
DECLARE
  res RECORD;
BEGIN
  WITH a AS (
    SELECT (x->>'e')::uuid AS e, (x->>'a')::int AS att, nullif(x->'done', 'null') AS d, nullif(x->'next', 'null') AS nx, i
      FROM jsonb_array_elements(p) WITH ORDINALITY AS t(x, i) WHERE x->>'op' = 'advance'
  ), f AS (
    -- the fence: the attempt still owns the execution
    SELECT a.*, w.run_id, r.cancel_requested_at IS NOT NULL AS cancel
      FROM a JOIN workflow_executions w ON w.id = a.e JOIN runs r ON r.id = w.run_id
     WHERE w.status = 'running' AND w.attempts = a.att
  ), done AS (
    UPDATE node_executions n SET status = 'completed', output = f.d->'output', finished_at = clock_timestamp()
      FROM f
     WHERE f.d IS NOT NULL AND n.execution_id = f.e AND n.name = f.d->>'node' AND n.status <> 'completed'
    RETURNING n.execution_id
  ), started AS (
    INSERT INTO node_executions AS n (id, execution_id, name, position, status, attempts, started_at)
    SELECT gen_random_uuid(), f.e, f.nx->>'node', (f.nx->>'position')::int, 'running', 1, clock_timestamp()
      FROM f WHERE f.nx IS NOT NULL AND NOT f.cancel ORDER BY f.e
    ON CONFLICT (execution_id, name) DO UPDATE
       SET status = 'running', attempts = n.attempts + 1, started_at = clock_timestamp(), finished_at = NULL
     WHERE n.status <> 'completed'
    RETURNING n.execution_id
  ), progressed AS (
    UPDATE workflow_executions w
       SET current_node = CASE WHEN f.cancel THEN coalesce(f.d->>'node', w.current_node) ELSE coalesce(f.nx->>'node', f.d->>'node', w.current_node) END,
           progress = coalesce((f.d->>'progress')::int, w.progress),
           tokens_used = w.tokens_used + coalesce((f.d->>'tokens')::int, 0),
           updated_at = now()
      FROM f WHERE w.id = f.e
    RETURNING w.id
  ), answered AS (
    SELECT a.i, f.e IS NOT NULL AS ok, f.run_id, a.e, a.d, coalesce(f.cancel, false) AS cancel,
           EXISTS (SELECT 1 FROM started s WHERE s.execution_id = a.e) AS started
      FROM a LEFT JOIN f ON f.i = a.i
  )
  SELECT (SELECT count(*) FROM done) AS done, (SELECT count(*) FROM f WHERE d IS NOT NULL) AS to_do,
         (SELECT count(*) FROM started) AS started, (SELECT count(*) FROM f WHERE nx IS NOT NULL AND NOT cancel) AS to_start,
         (SELECT count(*) FROM progressed) AS progressed,
         array_agg(i ORDER BY i) AS idx,
         array_agg(CASE WHEN ok THEN jsonb_build_object('ok', true, 'cancel', cancel, 'started', started) ELSE '{"ok": false}'::jsonb END ORDER BY i) AS out,
         array_agg(jsonb_build_object('ok', ok, 'run', run_id, 'e', e, 'd', d, 'started', started) ORDER BY i) AS info
    INTO res FROM answered;
  IF res.idx IS NULL THEN RETURN; END IF;
  -- a node checkpointed twice, or started after its checkpoint, means a stale caller past the fence
  IF res.done <> res.to_do OR res.started <> res.to_start THEN
    RAISE EXCEPTION USING ERRCODE = 'JA001', MESSAGE = 'a node of the batch already has its checkpoint';
  END IF;
  FOR n IN 1 .. cardinality(res.idx) LOOP
    answers[res.idx[n]] := res.out[n];
    IF (res.info[n]->>'ok')::boolean THEN
      IF res.info[n]->'d' <> 'null' THEN
        ev := ja_ev_add(ev, (res.info[n]->>'run')::uuid, (res.info[n]->>'e')::uuid, 'node.completed',
                        jsonb_build_object('node', res.info[n]->'d'->>'node', 'progress', (res.info[n]->'d'->>'progress')::int));
      END IF;
      IF (res.info[n]->>'started')::boolean THEN
        ev := ja_ev_add(ev, (res.info[n]->>'run')::uuid, (res.info[n]->>'e')::uuid, 'node.started',
                        jsonb_build_object('node', (p->((res.idx[n] - 1)::int))->'next'->>'node'));
      END IF;
    END IF;
  END LOOP;
END $$;

-- Ends an execution the caller owns, and its run (status completed, failed or cancelled), with the
-- profile of a profiling run, and adds the run's status event. p_error: the run's error (failed
-- only); p_node and p_tokens: the execution's current node (null: unchanged) and tokens to add.
CREATE FUNCTION ja_cp_end(p_exec UUID, p_status "Status", p_result JSONB, p_error JSONB, p_node TEXT, p_tokens INTEGER, INOUT ev ja_events) LANGUAGE plpgsql AS $$
DECLARE
  v_run UUID;
  run RECORD;
BEGIN
  UPDATE workflow_executions
     SET status = p_status, finished_at = clock_timestamp(), updated_at = now(),
         progress = CASE WHEN p_status = 'completed' THEN 100 ELSE progress END,
         error = CASE WHEN p_status = 'failed' THEN p_error ELSE error END,
         current_node = coalesce(p_node, current_node),
         tokens_used = tokens_used + p_tokens
   WHERE id = p_exec
  RETURNING run_id INTO v_run;
  UPDATE runs
     SET status = p_status, completed_at = clock_timestamp(), updated_at = now(),
         result = CASE WHEN p_status = 'completed' THEN p_result ELSE result END,
         error = CASE WHEN p_status = 'completed' THEN NULL WHEN p_status = 'failed' THEN p_error ELSE error END
   WHERE id = v_run
  RETURNING kind, profile_id INTO run;
  IF run.kind = 'profiling' AND run.profile_id IS NOT NULL THEN
    IF p_status = 'completed' THEN
      UPDATE profiles
         SET status = 'ready', data = p_result->'profile', updated_at = now(),
             suggested_titles = ARRAY(SELECT jsonb_array_elements_text(
               CASE WHEN jsonb_typeof(p_result->'suggestedTitles') = 'array' THEN p_result->'suggestedTitles' ELSE '[]'::jsonb END))
       WHERE id = run.profile_id;
    ELSIF p_status = 'failed' THEN
      UPDATE profiles SET status = 'failed', updated_at = now() WHERE id = run.profile_id;
    ELSE
      UPDATE profiles SET status = 'failed', updated_at = now() WHERE id = run.profile_id AND status = 'pending';
    END IF;
  END IF;
  ev := ja_ev_add(ev, v_run, p_exec, 'run.status', CASE WHEN p_status = 'completed' THEN '{"status": "completed", "progress": 100}'::jsonb
                                                       ELSE jsonb_build_object('status', p_status) END);
END $$;

-- True when `attempt` (null: any attempt) owns the execution: it is running and no newer attempt claimed it.
CREATE FUNCTION ja_cp_owns(p_exec UUID, p_attempt INTEGER) RETURNS BOOLEAN LANGUAGE sql AS $$
  SELECT EXISTS (SELECT 1 FROM workflow_executions
                  WHERE id = p_exec AND status = 'running' AND (p_attempt IS NULL OR attempts = p_attempt))
$$;

-- The last boundary: {e, a?, done?, result} → {ok}.
CREATE FUNCTION ja_cp_finish(op JSONB, INOUT ev ja_events, OUT r JSONB) LANGUAGE plpgsql AS $$
DECLARE
  v_exec UUID := (op->>'e')::uuid;
  d JSONB := nullif(op->'done', 'null');
BEGIN
  IF NOT ja_cp_owns(v_exec, (op->>'a')::int) THEN
    r := '{"ok": false}';
    RETURN;
  END IF;
  IF d IS NOT NULL THEN
    PERFORM ja_cp_done(v_exec, d);
    ev := ja_ev_add(ev, (SELECT run_id FROM workflow_executions WHERE id = v_exec), v_exec, 'node.completed',
                    jsonb_build_object('node', d->>'node', 'progress', (d->>'progress')::int));
  END IF;
  ev := ja_cp_end(v_exec, 'completed', op->'result', NULL, d->>'node', coalesce((d->>'tokens')::int, 0), ev);
  r := '{"ok": true}';
END $$;

-- A node's attempt failed: {e, a, node, error, final, tokens?} → {ok}. A final failure fails the run.
CREATE FUNCTION ja_cp_node_failed(op JSONB, INOUT ev ja_events, OUT r JSONB) LANGUAGE plpgsql AS $$
DECLARE
  v_exec UUID := (op->>'e')::uuid;
  v_tokens INTEGER := coalesce((op->>'tokens')::int, 0);
BEGIN
  IF NOT ja_cp_owns(v_exec, (op->>'a')::int) THEN
    r := '{"ok": false}';
    RETURN;
  END IF;
  UPDATE node_executions SET status = 'failed', error = op->'error', finished_at = clock_timestamp()
   WHERE execution_id = v_exec AND name = op->>'node' AND status <> 'completed';
  ev := ja_ev_add(ev, (SELECT run_id FROM workflow_executions WHERE id = v_exec), v_exec, 'node.failed', jsonb_build_object('node', op->>'node'));
  IF (op->>'final')::boolean THEN
    ev := ja_cp_end(v_exec, 'failed', NULL, op->'error' || jsonb_build_object('node', op->>'node'), NULL, v_tokens, ev);
  ELSE
    UPDATE workflow_executions SET tokens_used = tokens_used + v_tokens, updated_at = now() WHERE id = v_exec;
  END IF;
  r := '{"ok": true}';
END $$;

-- The run stops outside a node's success: {e, a, status: cancelled|failed, node?, error?} → {ok}.
-- The named node, if still running, ends with the same status.
CREATE FUNCTION ja_cp_stop(op JSONB, INOUT ev ja_events, OUT r JSONB) LANGUAGE plpgsql AS $$
DECLARE
  v_exec UUID := (op->>'e')::uuid;
  v_status "Status" := (op->>'status')::"Status";
BEGIN
  IF NOT ja_cp_owns(v_exec, (op->>'a')::int) THEN
    r := '{"ok": false}';
    RETURN;
  END IF;
  IF op->>'node' IS NOT NULL THEN
    UPDATE node_executions SET status = v_status, finished_at = clock_timestamp()
     WHERE execution_id = v_exec AND name = op->>'node' AND status = 'running';
  END IF;
  ev := ja_cp_end(v_exec, v_status, NULL, nullif(op->'error', 'null'), NULL, 0, ev);
  r := '{"ok": true}';
END $$;

-- A batch of checkpoint operations from concurrent executions, in one transaction: p is
-- [{op: claim|advance|finish|node_failed|stop, e: execution id, ...}] → one answer per operation.
-- The batch's executions are locked in id order first, so batches never wait on each other in a cycle.
CREATE FUNCTION ja_checkpoint(p JSONB) RETURNS JSONB LANGUAGE plpgsql
-- lookups by key whatever the planner's statistics say (a fresh database has none)
SET enable_seqscan = off AS $$
DECLARE
  item RECORD;
  res RECORD;
  v_out JSONB[] := array_fill(NULL::JSONB, ARRAY[jsonb_array_length(p)]);
  ev ja_events := ROW('{}', '{}', '{}', '{}');
BEGIN
  PERFORM 1 FROM workflow_executions
   WHERE id = ANY (ARRAY(SELECT (x->>'e')::uuid FROM jsonb_array_elements(p) x)) ORDER BY id FOR UPDATE;
  -- node boundaries first, set-wise; then the rest one by one
  SELECT * INTO res FROM ja_cp_advance(p, ev, v_out);
  ev := res.ev;
  v_out := res.answers;
  FOR item IN SELECT x, i FROM jsonb_array_elements(p) WITH ORDINALITY AS t(x, i) WHERE x->>'op' <> 'advance' LOOP
    CASE item.x->>'op'
      WHEN 'claim' THEN res := ja_cp_claim(item.x, ev);
      WHEN 'finish' THEN res := ja_cp_finish(item.x, ev);
      WHEN 'node_failed' THEN res := ja_cp_node_failed(item.x, ev);
      WHEN 'stop' THEN res := ja_cp_stop(item.x, ev);
      ELSE RAISE EXCEPTION 'unknown checkpoint operation %', item.x->>'op';
    END CASE;
    ev := res.ev;
    v_out[item.i] := res.r;
  END LOOP;
  PERFORM ja_emit(ev);
  RETURN to_jsonb(v_out);
END $$;

-- An execution that died outside any node (its job could not be run, or was given up) fails with
-- its run, unfenced; nothing happens once it has finished.
CREATE FUNCTION ja_fail_execution(p_exec UUID, p_error JSONB) RETURNS VOID LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM workflow_executions WHERE id = p_exec AND status IN ('pending', 'running') FOR UPDATE;
  IF FOUND THEN
    PERFORM ja_emit(ja_cp_end(p_exec, 'failed', NULL, p_error, NULL, 0, ROW('{}', '{}', '{}', '{}')::ja_events));
  END IF;
END $$;

-- ---------------------------------------------------------------------------
-- Runs' matches, with their postings deduplicated across sources and runs: p = [{runId, userId,
-- profileId, matches: [{rank, score, reasons, research, coverLetter, highlights, posting: {source,
-- sourceId, url, canonicalUrl, dedupKey, title, company, location, remote, description, postedAt,
-- salary}}]}]. A fresh posting is the stored one with the same source id, else canonical URL, else
-- normalised company + title + location (the oldest). A match is unique per (run, posting), so a
-- replay writes nothing twice and a posting seen twice in one run keeps its best rank.
-- `last_seen_at` moves at most once a minute, so runs that see the same popular posting at once do
-- not queue on its row. Answers one null per run.
CREATE FUNCTION ja_save_matches(p JSONB) RETURNS JSONB LANGUAGE plpgsql
SET enable_seqscan = off AS $$
DECLARE
  run JSONB;
  m RECORD;
  ps JSONB;
  v_id UUID;
  v_seen UUID[];
  v_cu TEXT;
  v_dk TEXT;
BEGIN
  FOR run IN SELECT x FROM jsonb_array_elements(p) x LOOP
  v_seen := '{}';
  FOR m IN SELECT x FROM jsonb_array_elements(run->'matches') x ORDER BY (x->>'rank')::int LOOP
    ps := m.x->'posting';
    v_cu := ps->>'canonicalUrl';
    v_dk := ps->>'dedupKey';
    v_id := NULL;
    SELECT id INTO v_id FROM job_postings WHERE source = ps->>'source' AND source_id = ps->>'sourceId';
    IF v_id IS NULL AND v_cu IS NOT NULL THEN
      SELECT id INTO v_id FROM job_postings WHERE canonical_url = v_cu ORDER BY first_seen_at LIMIT 1;
    END IF;
    IF v_id IS NULL AND v_dk IS NOT NULL THEN
      SELECT id INTO v_id FROM job_postings WHERE dedup_key = v_dk ORDER BY first_seen_at LIMIT 1;
    END IF;
    IF v_id IS NOT NULL THEN
      -- the first identities a posting was stored under stay; missing ones are filled in
      UPDATE job_postings
         SET last_seen_at = now(), canonical_url = coalesce(canonical_url, v_cu), dedup_key = coalesce(dedup_key, v_dk)
       WHERE id = v_id
         AND (last_seen_at < now() - interval '1 minute' OR (canonical_url IS NULL AND v_cu IS NOT NULL) OR (dedup_key IS NULL AND v_dk IS NOT NULL));
    ELSE
      -- a concurrent run may be storing the same posting right now: ON CONFLICT waits for it and takes its row
      INSERT INTO job_postings AS j (id, source, source_id, url, canonical_url, dedup_key, title, company, location, remote, description, posted_at, salary)
      VALUES (gen_random_uuid(), ps->>'source', ps->>'sourceId', ps->>'url', v_cu, v_dk, ps->>'title', ps->>'company', ps->>'location',
              coalesce((ps->>'remote')::boolean, false), ps->>'description', (ps->>'postedAt')::timestamptz, nullif(ps->'salary', 'null'))
      ON CONFLICT (source, source_id) DO UPDATE SET last_seen_at = now()
      RETURNING j.id INTO v_id;
    END IF;
    CONTINUE WHEN v_id = ANY (v_seen);
    v_seen := v_seen || v_id;
    INSERT INTO job_matches AS jm (id, run_id, user_id, profile_id, posting_id, rank, score, reasons, research, cover_letter, highlights)
    VALUES (gen_random_uuid(), (run->>'runId')::uuid, (run->>'userId')::uuid, (run->>'profileId')::uuid, v_id, (m.x->>'rank')::int,
            (m.x->>'score')::float8, m.x->'reasons', nullif(m.x->'research', 'null'), m.x->>'coverLetter',
            ARRAY(SELECT jsonb_array_elements_text(coalesce(nullif(m.x->'highlights', 'null'), '[]'::jsonb))))
    ON CONFLICT (run_id, posting_id) DO UPDATE
       SET rank = excluded.rank, score = excluded.score, reasons = excluded.reasons, research = coalesce(excluded.research, jm.research),
           cover_letter = excluded.cover_letter, highlights = excluded.highlights;
  END LOOP;
  END LOOP;
  RETURN (SELECT jsonb_agg(NULL::jsonb) FROM jsonb_array_elements(p));
END $$;

-- ---------------------------------------------------------------------------
-- Schedule firings, many at once (a morning's schedules fire together):
-- p = [{profileId, slot, priority: {free, premium}, search: {defaults of a scheduled search}}].
-- Each firing claims its slot (a firing seen twice, by two schedulers or a retried job, starts
-- nothing the second time) and creates a job search per suggested title of a ready profile.
-- → per firing [{runId, executionId, userId, priority}], empty when nothing started.
CREATE FUNCTION ja_fire_schedules(p JSONB) RETURNS JSONB LANGUAGE plpgsql
SET enable_seqscan = off AS $$
DECLARE
  f RECORD;
  pr RECORD;
  v_out JSONB[] := array_fill('[]'::JSONB, ARRAY[jsonb_array_length(p)]);
  v_priority INTEGER;
  v_runs JSONB;
BEGIN
  -- schedules are claimed in profile order: two batches never wait on each other in a cycle
  FOR f IN SELECT x, i, (x->>'profileId')::uuid AS profile_id, (x->>'slot')::timestamptz AS slot
             FROM jsonb_array_elements(p) WITH ORDINALITY AS t(x, i) ORDER BY x->>'profileId' LOOP
    UPDATE schedules SET last_fired_at = f.slot, updated_at = now()
     WHERE profile_id = f.profile_id AND enabled AND (last_fired_at IS NULL OR last_fired_at < f.slot);
    CONTINUE WHEN NOT FOUND;
    SELECT pf.user_id, pf.status, coalesce(pf.location, pf.data->>'location', '') AS location, pf.suggested_titles, u.plan
      INTO pr FROM profiles pf JOIN users u ON u.id = pf.user_id WHERE pf.id = f.profile_id;
    CONTINUE WHEN NOT FOUND OR pr.status <> 'ready' OR coalesce(cardinality(pr.suggested_titles), 0) = 0;
    v_priority := (f.x->'priority'->>(pr.plan::text))::int;
    v_runs := ja_insert_runs(pr.user_id, (
      SELECT jsonb_agg(jsonb_build_object(
               'kind', 'job_search', 'profileId', f.profile_id, 'priority', v_priority,
               'input', f.x->'search' || jsonb_build_object('query', q, 'location', pr.location, 'profileId', f.profile_id,
                                                            'scheduledFor', f.x->'slot', 'onlyNewForProfile', true)) ORDER BY n)
        FROM unnest(pr.suggested_titles) WITH ORDINALITY AS t(q, n)));
    SELECT jsonb_agg(r || jsonb_build_object('userId', pr.user_id, 'priority', v_priority) ORDER BY n) INTO v_runs
      FROM jsonb_array_elements(v_runs) WITH ORDINALITY AS t(r, n);
    v_out[f.i] := v_runs;
  END LOOP;
  RETURN to_jsonb(v_out);
END $$;

-- ---------------------------------------------------------------------------
-- API processes keep the users of recently seen keys; any change that could revoke or alter one
-- (a key revoked or deleted, a user's plan, admin flag, email or webhook secret changed, a user
-- deleted) is announced on `auth_changed`, and every process forgets what it kept.
CREATE FUNCTION ja_auth_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('auth_changed', TG_TABLE_NAME);
  RETURN NULL;
END $$;

CREATE TRIGGER api_keys_auth_changed AFTER UPDATE OF revoked_at, hash, prefix, user_id OR DELETE ON api_keys
  FOR EACH STATEMENT EXECUTE FUNCTION ja_auth_changed();
CREATE TRIGGER users_auth_changed AFTER UPDATE OF plan, is_admin, email, webhook_secret OR DELETE ON users
  FOR EACH STATEMENT EXECUTE FUNCTION ja_auth_changed();
