package dev.fulcrum.dataplane;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

/**
 * Values made once per key and kept, for keys that come from outside the proxy (method names,
 * backend addresses): up to {@code capacity} of them, so the map cannot grow without
 * bound; past that, a value is made afresh each time it is asked for.
 */
public final class BoundedMemo<K, V> {
  private final int capacity;
  private final Function<? super K, ? extends V> make;
  private final ConcurrentMap<K, V> values = new ConcurrentHashMap<>();

  public BoundedMemo(int capacity, Function<? super K, ? extends V> make) {
    this.capacity = capacity;
    this.make = make;
  }

  public V get(K key) {
    V value = values.get(key);
    if (value != null) {
      return value;
    }
    value = make.apply(key);
    if (values.size() < capacity) {
      V earlier = values.putIfAbsent(key, value);
      return earlier != null ? earlier : value;
    }
    return value;
  }

  public int size() {
    return values.size();
  }
}
