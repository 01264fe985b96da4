/**
 * The Lua that makes Redis the fence. Each runs atomically, so "am I still
 * the holder?" and the write it guards can never be split by another node.
 */

/**
 * Take the lease if nobody holds it. The fencing token is counted in the
 * same step, so a token is never spent on a lease that was not won. The
 * epoch names the counter's series: it is born with the counter, so after a
 * Redis restart without persistence a new series has a new epoch and
 * mirrors know its small tokens are new, not late.
 *
 * KEYS: lease, fence. ARGV: node, ttl ms, a candidate epoch.
 * Returns {epoch, token} when won; otherwise the holder's milliseconds left
 * (PTTL), so a follower can try again the moment the lease ends instead of
 * up to a polling interval later.
 */
export const TAKE_LEASE = `
local left = redis.call('PTTL', KEYS[1])
if left ~= -2 then return left end
redis.call('HSETNX', KEYS[2], 'epoch', ARGV[3])
local epoch = redis.call('HGET', KEYS[2], 'epoch')
local token = redis.call('HINCRBY', KEYS[2], 'token', 1)
redis.call('SET', KEYS[1], ARGV[1] .. ' ' .. epoch .. ' ' .. token, 'PX', ARGV[2])
return {epoch, token}
`;

/** KEYS: lease. ARGV: our lease value, ttl ms. 1 when extended, 0 when the lease is not ours. */
export const RENEW_LEASE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`;

/** KEYS: lease. ARGV: our lease value. Frees it at once for the next node (a clean stop). */
export const RELEASE_LEASE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1
`;

/**
 * Append one entry, only while the lease is ours. A snapshot's entry is a
 * small marker: the state itself goes to a key of its own that expires, so
 * the stream never holds megabytes, and a mirror that is in step never has
 * to read it. The marker also becomes the PBX's latest snapshot pointer.
 *
 * KEYS: lease, ops, the latest-snapshot pointer, the snapshot's state key.
 * ARGV: our lease value, the entry's JSON, '1' if it is a snapshot, the
 * stream's approximate length cap, the state's JSON, the state key's TTL ms.
 * Returns the entry's id, or nil when the lease is not ours.
 */
export const FENCED_APPEND = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return nil end
local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], '*', 'e', ARGV[2])
if ARGV[3] == '1' then
  redis.call('SET', KEYS[4], ARGV[5], 'PX', ARGV[6])
  redis.call('SET', KEYS[3], id .. ' ' .. ARGV[2])
end
return id
`;
