import Crypto

/// The Lua scripts that change or read cluster state in Redis. Each runs atomically, so two nodes changing the
/// same channel at once still see one order, and a presence transition and its envelope happen together.
///
/// Key layout (P is the scaling channel name), described in docs/architecture.md:
/// `P:node:{node}` this node's share (`c␟app` sockets, `s␟app␟channel` subscriptions, `u␟app␟channel␟user`
/// presence sockets, `w␟app␟user` signed-in sockets), `P:conns:{app}` node → sockets, `P:chans:{app}` channel → subscriptions,
/// `P:users:{app}:{channel}` user → sockets, `P:members:{app}:{channel}` user → member JSON,
/// `P:cache:{app}:{channel}` last cached event, `P:nodes` node → heartbeat JSON, `P:alive:{node}` liveness,
/// `P:online:{app}` user → signed-in sockets, `P:held` webhook events held back (sorted by when they are due),
/// `P:counted` when and what `subscription_count` was last sent per channel, `P:countver` app → version of
/// the last count announced, `P:events` the envelope stream,
/// `P:epoch` set once per Redis data set.
enum ClusterScripts {
    /// A script and its SHA1, for `EVALSHA` after `SCRIPT LOAD`.
    struct Script: Sendable {
        let source: String
        let sha: String

        init(_ source: String) {
            self.source = source
            self.sha = Insecure.SHA1.hash(data: Array(source.utf8)).map { byte in
                let hex = String(byte, radix: 16)
                return hex.count == 1 ? "0" + hex : hex
            }.joined()
        }
    }

    /// The shared part: applies one absolute value of a node's share and records cluster-level transitions.
    ///
    /// `flags` (set by the calling script) says what the app wants: `h` webhooks for occupancy and members,
    /// `n` subscription counts for every node, `k` `subscription_count` webhooks. Webhooks are decided here, in
    /// the same atomic step as the change, so each cluster-level change is sent by exactly one node: the one
    /// whose call the script answers with it (`hooks`), or, for events held back 3 s (`channel_vacated`,
    /// `member_removed`, a throttled `subscription_count`), whichever node pops them from `P:held` when due.
    /// A change that undoes a held one removes it, and neither is sent (docs/webhooks.md).
    private static let applyFunction = """
        local P = ARGV[1]
        local stream = P .. ':events'
        local held = P .. ':held'
        local sep = '\\31'
        local out, hooks = {}, {}
        local flags, socket, version = '', '', 0
        local clock
        local function now()
          if not clock then
            local t = redis.call('time')
            clock = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
          end
          return clock
        end
        local function wants(flag) return string.find(flags, flag, 1, true) ~= nil end
        local function parts(f)
          local t, start = {}, 1
          for _ = 1, 3 do
            local s = string.find(f, sep, start, true)
            if not s then break end
            t[#t + 1] = string.sub(f, start, s - 1)
            start = s + 1
          end
          t[#t + 1] = string.sub(f, start)
          return t
        end
        local function emit(silent, origin, kind, app, ch, member)
          if silent then return end
          redis.call('xadd', stream, 'MAXLEN', '~', '100000', '*', 'e',
            cjson.encode({t = kind, o = origin, a = app, c = ch, m = member}))
        end
        -- For every node, the calling one included, so all of them see these in the stream's one order.
        local function announce(fields)
          fields.o = ''
          redis.call('xadd', stream, 'MAXLEN', '~', '100000', '*', 'e', cjson.encode(fields))
        end
        local function hook(kind, app, ch, extra)
          hooks[#hooks + 1] = kind; hooks[#hooks + 1] = app; hooks[#hooks + 1] = ch; hooks[#hooks + 1] = extra
        end
        local function hold(key) redis.call('zadd', held, now() + 3000, key) end
        local function arrived(key, kind, app, ch, extra)
          if redis.call('zrem', held, key) == 0 then hook(kind, app, ch, extra) end
        end
        local function lastCount(field)
          local last = redis.call('hget', P .. ':counted', field)
          if not last then return 0, nil end
          local at, count = string.match(last, '^(%d+):(%-?%d+)$')
          return tonumber(at), tonumber(count)
        end
        local function sendCount(app, ch, total)
          redis.call('hset', P .. ':counted', app .. sep .. ch, now() .. ':' .. total)
          hook('subscription_count', app, ch, tostring(total))
        end
        local function counted(node, app, ch, total)
          if string.sub(ch, 1, 9) == 'presence-' then return end
          if wants('n') then
            -- One counter per app, so a node can tell which of two counts of a channel is the newer.
            version = redis.call('hincrby', P .. ':countver', app, 1)
            local fields = {t = 'count', a = app, c = ch, v = tostring(total), n = tostring(version), b = node}
            if socket ~= '' then fields.x = socket end
            announce(fields)
          end
          if not wants('k') then return end
          local key, field = 'n' .. sep .. app .. sep .. ch, app .. sep .. ch
          if total <= 0 then
            redis.call('zrem', held, key)
            redis.call('hdel', P .. ':counted', field)
            return
          end
          local at = lastCount(field)
          if total > 100 and now() - at < 5000 then
            redis.call('zadd', held, 'NX', at + 5000, key)
          else
            redis.call('zrem', held, key)
            sendCount(app, ch, total)
          end
        end
        local function apply(node, silent, field, value, extra)
          local nodeKey = P .. ':node:' .. node
          local old = tonumber(redis.call('hget', nodeKey, field) or '0')
          if value == old then return end
          if value > 0 then redis.call('hset', nodeKey, field, value) else redis.call('hdel', nodeKey, field) end
          local p = parts(field)
          local kind, app, delta = p[1], p[2], value - old
          if kind == 'c' then
            if value > 0 then redis.call('hset', P .. ':conns:' .. app, node, value)
            else redis.call('hdel', P .. ':conns:' .. app, node) end
          elseif kind == 's' then
            local key, ch = P .. ':chans:' .. app, p[3]
            local total = redis.call('hincrby', key, ch, delta)
            local before = total - delta
            if total <= 0 then
              redis.call('hdel', key, ch)
              redis.call('del', P .. ':cache:' .. app .. ':' .. ch)
            end
            if not silent then
              local vkey = 'v' .. sep .. app .. sep .. ch
              if wants('h') and before <= 0 and total > 0 then arrived(vkey, 'channel_occupied', app, ch, '')
              elseif wants('h') and total <= 0 and before > 0 then hold(vkey) end
              counted(node, app, ch, math.max(total, 0))
            end
          elseif kind == 'u' then
            local ch, user = p[3], p[4]
            local ukey = P .. ':users:' .. app .. ':' .. ch
            local mkey = P .. ':members:' .. app .. ':' .. ch
            local rkey = 'r' .. sep .. app .. sep .. ch .. sep .. user
            local total = redis.call('hincrby', ukey, user, delta)
            local before = total - delta
            if total > 0 and before <= 0 then
              redis.call('hset', mkey, user, extra)
              emit(silent, node, 'member_added', app, ch, extra)
              if not silent then
                out[#out + 1] = 'added'; out[#out + 1] = app; out[#out + 1] = ch; out[#out + 1] = extra
                if wants('h') then arrived(rkey, 'member_added', app, ch, user) end
              end
            elseif total <= 0 then
              redis.call('hdel', ukey, user)
              local member = redis.call('hget', mkey, user)
              redis.call('hdel', mkey, user)
              if before > 0 and member and not silent then
                emit(silent, node, 'member_removed', app, ch, member)
                out[#out + 1] = 'removed'; out[#out + 1] = app; out[#out + 1] = ch; out[#out + 1] = member
                if wants('h') then hold(rkey) end
              end
            end
          elseif kind == 'w' then
            -- Signed-in sockets per user: online while any node has one (watchlists).
            local user = string.sub(field, #kind + #app + 3)
            local okey = P .. ':online:' .. app
            local total = redis.call('hincrby', okey, user, delta)
            local before = total - delta
            if total <= 0 then redis.call('hdel', okey, user) end
            if not silent and before <= 0 and total > 0 then announce({t = 'online', a = app, u = user})
            elseif not silent and total <= 0 and before > 0 then announce({t = 'offline', a = app, u = user}) end
          end
        end
        -- Sets to 0 every field of the node's share (of one app, or of all when app is '') not in desired.
        local function replace(node, silent, desired, app)
          for _, f in ipairs(redis.call('hkeys', P .. ':node:' .. node)) do
            if not desired[f] and (app == '' or parts(f)[2] == app) then apply(node, silent, f, 0, '') end
          end
        end

        """

    /// ARGV: prefix, node, silent (1/0), mode (`set`/`replace`), query app (with `replace`: the app whose share
    /// is replaced, '' for all), query channel, roster (1/0), cache (1/0), flags (see `applyFunction`), the
    /// subscribing socket ('' when none; other nodes' subscription counts leave it out, its own reply carries
    /// it), then field, value, member JSON triples. Returns {transitions, roster, cache, webhooks, the queried
    /// channel's subscriptions, the version of the last count announced}; silent changes report and announce
    /// nothing.
    static let update = Script(
        applyFunction + """
            local node, silent, mode = ARGV[2], ARGV[3] == '1', ARGV[4]
            flags, socket = ARGV[9], ARGV[10]
            if mode == 'replace' then
              local desired = {}
              for i = 11, #ARGV, 3 do desired[ARGV[i]] = true end
              replace(node, silent, desired, ARGV[5])
            end
            for i = 11, #ARGV, 3 do apply(node, silent, ARGV[i], tonumber(ARGV[i + 1]), ARGV[i + 2]) end
            local roster, cache, count = {}, false, 0
            if ARGV[7] == '1' then roster = redis.call('hgetall', P .. ':members:' .. ARGV[5] .. ':' .. ARGV[6]) end
            if ARGV[8] == '1' then cache = redis.call('get', P .. ':cache:' .. ARGV[5] .. ':' .. ARGV[6]) end
            if ARGV[6] ~= '' then count = tonumber(redis.call('hget', P .. ':chans:' .. ARGV[5], ARGV[6]) or '0') end
            return {out, roster, cache, hooks, count, version}
            """)

    /// ARGV: prefix, reaping node. Removes the share of every node whose liveness key has expired, telling
    /// everyone (`member_removed` envelopes, then `node_gone`). Returns {the ids reaped, webhooks}.
    static let reap = Script(
        applyFunction + """
            local reaped = {}
            flags = 'hnk'
            for _, node in ipairs(redis.call('hkeys', P .. ':nodes')) do
              if redis.call('exists', P .. ':alive:' .. node) == 0 then
                replace(node, false, {}, '')
                redis.call('del', P .. ':node:' .. node)
                redis.call('hdel', P .. ':nodes', node)
                redis.call('xadd', stream, 'MAXLEN', '~', '100000', '*', 'e',
                  cjson.encode({t = 'node_gone', o = ARGV[2], n = node}))
                reaped[#reaped + 1] = node
              end
            end
            return {reaped, hooks}
            """)

    /// ARGV: prefix, calling node, last (1/0). Pops the held webhook events that are due (with `last` and no
    /// other node alive: all of them, for the last node shutting down) and returns them as webhooks for the
    /// caller to send; the pop is atomic, so exactly one node sends each. A held `subscription_count` goes out
    /// with the count at that moment.
    static let due = Script(
        applyFunction + """
            local limit = now()
            if ARGV[3] == '1' then
              local alone = true
              for _, other in ipairs(redis.call('hkeys', P .. ':nodes')) do
                if other ~= ARGV[2] and redis.call('exists', P .. ':alive:' .. other) == 1 then alone = false end
              end
              if alone then limit = '+inf' end
            end
            for _, key in ipairs(redis.call('zrangebyscore', held, '-inf', limit, 'LIMIT', 0, 1000)) do
              redis.call('zrem', held, key)
              local p = parts(key)
              if p[1] == 'v' then hook('channel_vacated', p[2], p[3], '')
              elseif p[1] == 'r' then hook('member_removed', p[2], p[3], p[4])
              elseif p[1] == 'n' then
                local total = tonumber(redis.call('hget', P .. ':chans:' .. p[2], p[3]) or '0')
                local _, last = lastCount(p[2] .. sep .. p[3])
                if total > 0 and total ~= last then sendCount(p[2], p[3], total) end
              end
            end
            return hooks
            """)

    /// ARGV: prefix, app, channel, envelope. Appends a cache channel's event to the stream and keeps it as the
    /// channel's cached event while the channel is occupied anywhere.
    static let publishCached = Script(
        """
        local P, app, ch = ARGV[1], ARGV[2], ARGV[3]
        if redis.call('hexists', P .. ':chans:' .. app, ch) == 1 then
          redis.call('set', P .. ':cache:' .. app .. ':' .. ch, ARGV[5])
        end
        return redis.call('xadd', P .. ':events', 'MAXLEN', '~', '100000', '*', 'e', ARGV[4])
        """)

    /// ARGV: prefix, app. Every occupied channel: name, subscriptions, distinct presence users.
    static let channels = Script(
        """
        local P, app = ARGV[1], ARGV[2]
        local flat = redis.call('hgetall', P .. ':chans:' .. app)
        local out = {}
        for i = 1, #flat, 2 do
          out[#out + 1] = flat[i]
          out[#out + 1] = flat[i + 1]
          out[#out + 1] = redis.call('hlen', P .. ':users:' .. app .. ':' .. flat[i])
        end
        return out
        """)

    /// ARGV: prefix, app, channel. {subscriptions, distinct users, cached event or false}.
    static let channel = Script(
        """
        local P, app, ch = ARGV[1], ARGV[2], ARGV[3]
        local subs = tonumber(redis.call('hget', P .. ':chans:' .. app, ch) or '0')
        local users = redis.call('hlen', P .. ':users:' .. app .. ':' .. ch)
        local cache = redis.call('get', P .. ':cache:' .. app .. ':' .. ch)
        return {subs, users, cache}
        """)

    static let all = [update, reap, due, publishCached, channels, channel, view]
}
