/*
 * Shim for ankerl::unordered_dense (not packaged in Debian bookworm): the mediasoup worker uses
 * only map<K, V[, Hash]>, set<K[, Hash]> and hash<T>, with the standard containers' interface, so
 * the standard containers serve. They are slower than unordered_dense's open addressing on
 * lookups, and iteration order differs; the worker relies on neither for correctness.
 */
#ifndef SEMAIGC_MEDIASOUP_UNORDERED_DENSE_SHIM_H
#define SEMAIGC_MEDIASOUP_UNORDERED_DENSE_SHIM_H

#include <functional>
#include <unordered_map>
#include <unordered_set>

namespace ankerl::unordered_dense
{
	template<class T>
	struct hash : std::hash<T>
	{
	};

	template<class Key, class T, class Hash = hash<Key>, class KeyEqual = std::equal_to<Key>>
	using map = std::unordered_map<Key, T, Hash, KeyEqual>;

	template<class Key, class Hash = hash<Key>, class KeyEqual = std::equal_to<Key>>
	using set = std::unordered_set<Key, Hash, KeyEqual>;
} // namespace ankerl::unordered_dense

#endif
