package dev.fulcrum.dataplane.balance;

import dev.fulcrum.contract.Strategy;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * How each of Fulcrum's strategies chooses among the ready endpoints: pure functions of their
 * loads, a random source and a ticket (a number one higher for every pick), tested apart from gRPC.
 */
enum Choice {
  /** Strict rotation. */
  ROUND_ROBIN {
    @Override
    int choose(List<EndpointLoad> loads, RandomGenerator random, long ticket) {
      return (int) Math.floorMod(ticket, (long) loads.size());
    }
  },

  /** The fewest requests in flight; ties broken at random. */
  LEAST_LOADED {
    @Override
    int choose(List<EndpointLoad> loads, RandomGenerator random, long ticket) {
      int best = -1;
      int ties = 0;
      int fewest = Integer.MAX_VALUE;
      for (int i = 0; i < loads.size(); i++) {
        int outstanding = loads.get(i).outstanding();
        if (outstanding < fewest) {
          fewest = outstanding;
          best = i;
          ties = 1;
        } else if (outstanding == fewest && random.nextInt(++ties) == 0) {
          best = i; // reservoir sampling: each tied endpoint equally likely
        }
      }
      return best;
    }
  },

  /** Uniformly at random. */
  RANDOM {
    @Override
    int choose(List<EndpointLoad> loads, RandomGenerator random, long ticket) {
      return random.nextInt(loads.size());
    }
  },

  /** Power of two choices: of two endpoints drawn at random, the lower peak-EWMA cost. */
  PEAK_EWMA {
    @Override
    int choose(List<EndpointLoad> loads, RandomGenerator random, long ticket) {
      if (loads.size() == 1) {
        return 0;
      }
      int a = random.nextInt(loads.size());
      int b = random.nextInt(loads.size() - 1);
      if (b >= a) {
        b++; // two distinct endpoints
      }
      return loads.get(a).cost() <= loads.get(b).cost() ? a : b;
    }
  };

  /** How {@code strategy} chooses: every strategy must have a case, or this does not compile. */
  static Choice of(Strategy strategy) {
    return switch (strategy) {
      case ROUND_ROBIN -> ROUND_ROBIN;
      case LEAST_LOADED -> LEAST_LOADED;
      case RANDOM -> RANDOM;
      case PEAK_EWMA -> PEAK_EWMA;
    };
  }

  /** The index of the chosen endpoint in {@code loads} (never empty). */
  abstract int choose(List<EndpointLoad> loads, RandomGenerator random, long ticket);
}
