package dev.fulcrum.controlplane.kubernetes;

import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.util.Objects;
import java.util.function.Function;

/**
 * Turns informer events into "something that matters changed". An update whose relevant part is
 * unchanged is dropped: informers re-deliver objects on resync and relist, and a Link's update
 * from our own status write changes nothing served. Equality of content is used, not
 * resourceVersion, so it does not depend on how the API server numbers versions.
 */
final class ChangeTrigger<T> implements ResourceEventHandler<T> {
  private final Function<T, Object> relevant;
  private final Runnable onChange;

  ChangeTrigger(Function<T, Object> relevant, Runnable onChange) {
    this.relevant = relevant;
    this.onChange = onChange;
  }

  @Override
  public void onAdd(T object) {
    onChange.run();
  }

  @Override
  public void onUpdate(T before, T after) {
    if (!Objects.equals(relevant.apply(before), relevant.apply(after))) {
      onChange.run();
    }
  }

  @Override
  public void onDelete(T object, boolean finalStateUnknown) {
    onChange.run();
  }
}
