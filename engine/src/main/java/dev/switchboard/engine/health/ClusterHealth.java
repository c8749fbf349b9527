package dev.switchboard.engine.health;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/** The {@code cluster} component: this node is an {@code Up} member. */
public record ClusterHealth(Cluster cluster) implements HealthComponent {

  @Override
  public String name() {
    return "cluster";
  }

  @Override
  public ComponentReport report() {
    Member self = cluster.selfMember();
    ClusterEvent.CurrentClusterState state = cluster.state();
    long up =
        StreamSupport.stream(state.getMembers().spliterator(), false)
            .filter(m -> m.status().equals(MemberStatus.up()))
            .count();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("self", self.address().toString());
    details.put("memberStatus", self.status().toString());
    details.put("membersUp", up);
    details.put("unreachable", state.getUnreachable().size());
    return new ComponentReport(self.status().equals(MemberStatus.up()), details);
  }
}
