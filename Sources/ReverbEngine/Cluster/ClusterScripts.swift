import Crypto

/// The Lua scripts that change or read cluster state in Redis. Each runs atomically, so two nodes changing the
/// same channel at once still see one order, and a presence transition and its envelope happen together.
///
/// Key layout (P is the scaling channel name), described in docs/architecture.md:
/// `P:node:{node}` this node's share (`c␟app` sockets, `s␟app␟channel` subscriptions, `u␟app␟channel␟user`
/// presence sockets), `P:conns:{app}` node → sockets, `P:chans:{app}` channel → subscriptions,
/// `P:users:{app}:{channel}` user → sockets, `P:members:{app}:{channel}` user → member JSON,
/// `P:cache:{app}:{channel}` last cached event, `P:nodes` node → heartbeat JSON, `P:alive:{node}` liveness,
/// `P:events` the envelope stream, `P:epoch` set once per Redis data set.
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

    /// The shared part: applies one absolute value of a node's share and records presence transitions.
    private static let applyFunction = """
        local P = ARGV[1]
        local stream = P .. ':events'
        local out = {}
        local function parts(f)
          local t, start = {}, 1
          for _ = 1, 3 do
            local s = string.find(f, '\\31', start, true)
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
            local key = P .. ':chans:' .. app
            local total = redis.call('hincrby', key, p[3], delta)
            if total <= 0 then
              redis.call('hdel', key, p[3])
              redis.call('del', P .. ':cache:' .. app .. ':' .. p[3])
            end
          elseif kind == 'u' then
            local ch, user = p[3], p[4]
            local ukey = P .. ':users:' .. app .. ':' .. ch
            local mkey = P .. ':members:' .. app .. ':' .. ch
            local total = redis.call('hincrby', ukey, user, delta)
            local before = total - delta
            if total > 0 and before <= 0 then
              redis.call('hset', mkey, user, extra)
              emit(silent, node, 'member_added', app, ch, extra)
              if not silent then
                out[#out + 1] = 'added'; out[#out + 1] = app; out[#out + 1] = ch; out[#out + 1] = extra
              end
            elseif total <= 0 then
              redis.call('hdel', ukey, user)
              local member = redis.call('hget', mkey, user)
              redis.call('hdel', mkey, user)
              if before > 0 and member and not silent then
                emit(silent, node, 'member_removed', app, ch, member)
                out[#out + 1] = 'removed'; out[#out + 1] = app; out[#out + 1] = ch; out[#out + 1] = member
              end
            end
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
    /// is replaced, '' for all), query channel, roster (1/0), cache (1/0), then field, value, member JSON
    /// triples. Returns {transitions, roster, cache}; silent changes report and announce no transitions.
    static let update = Script(
        applyFunction + """
            local node, silent, mode = ARGV[2], ARGV[3] == '1', ARGV[4]
            if mode == 'replace' then
              local desired = {}
              for i = 9, #ARGV, 3 do desired[ARGV[i]] = true end
              replace(node, silent, desired, ARGV[5])
            end
            for i = 9, #ARGV, 3 do apply(node, silent, ARGV[i], tonumber(ARGV[i + 1]), ARGV[i + 2]) end
            local roster, cache = {}, false
            if ARGV[7] == '1' then roster = redis.call('hgetall', P .. ':members:' .. ARGV[5] .. ':' .. ARGV[6]) end
            if ARGV[8] == '1' then cache = redis.call('get', P .. ':cache:' .. ARGV[5] .. ':' .. ARGV[6]) end
            return {out, roster, cache}
            """)

    /// ARGV: prefix, reaping node. Removes the share of every node whose liveness key has expired, telling
    /// everyone (`member_removed` envelopes, then `node_gone`). Returns the ids reaped.
    static let reap = Script(
        applyFunction + """
            local reaped = {}
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
            return reaped
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

    static let all = [update, reap, publishCached, channels, channel, view]
}
