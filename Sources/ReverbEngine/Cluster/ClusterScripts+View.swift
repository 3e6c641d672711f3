extension ClusterScripts {
    /// ARGV: prefix, then app ids. For each app {app, conns (node → sockets, flat), channels}, each channel
    /// {name, subscriptions, users (user → sockets, flat), members (user → member JSON, flat)}; then the connection
    /// rows the nodes published (node, JSON, flat). Read once a second while a console watches (`Cluster+View`).
    static let view = Script(
        """
        local P = ARGV[1]
        local apps = {}
        for i = 2, #ARGV do
          local app = ARGV[i]
          local flat = redis.call('hgetall', P .. ':chans:' .. app)
          local channels = {}
          for j = 1, #flat, 2 do
            local ch = flat[j]
            local users = redis.call('hgetall', P .. ':users:' .. app .. ':' .. ch)
            local members = {}
            if #users > 0 then members = redis.call('hgetall', P .. ':members:' .. app .. ':' .. ch) end
            channels[#channels + 1] = {ch, flat[j + 1], users, members}
          end
          apps[#apps + 1] = {app, redis.call('hgetall', P .. ':conns:' .. app), channels}
        end
        local rows = {}
        for _, node in ipairs(redis.call('hkeys', P .. ':nodes')) do
          local text = redis.call('get', P .. ':sockets:' .. node)
          if text then
            rows[#rows + 1] = node
            rows[#rows + 1] = text
          end
        end
        return {apps, rows}
        """)
}
