package io.trireme.apiserver.registry;

import io.trireme.apiserver.registry.apps.deployment.DeploymentStrategy;
import io.trireme.apiserver.registry.apps.replicaset.ReplicaSetStrategy;
import io.trireme.apiserver.registry.coordination.lease.LeaseStrategy;
import io.trireme.apiserver.registry.core.configmap.ConfigMapStrategy;
import io.trireme.apiserver.registry.core.endpoints.EndpointsStrategy;
import io.trireme.apiserver.registry.core.event.EventStrategy;
import io.trireme.apiserver.registry.core.namespace.NamespaceStrategy;
import io.trireme.apiserver.registry.core.node.NodeStrategy;
import io.trireme.apiserver.registry.core.pod.PodStrategy;
import io.trireme.apiserver.registry.core.secret.SecretStrategy;
import io.trireme.apiserver.registry.core.service.ServiceStrategy;
import io.trireme.apiserver.registry.core.serviceaccount.ServiceAccountStrategy;
import io.trireme.apiserver.registry.generic.ResourceStrategy;
import java.time.Clock;
import java.util.List;

/** The registration: every served resource, in discovery order. Adding a resource is one line here. */
public final class Resources {
  private Resources() {}

  public static List<ResourceStrategy> all(Clock clock) {
    return List.of(
        new NamespaceStrategy(),
        new ConfigMapStrategy(),
        new SecretStrategy(),
        new ServiceAccountStrategy(),
        new PodStrategy(clock),
        new NodeStrategy(),
        new ServiceStrategy(),
        new EndpointsStrategy(),
        new EventStrategy(),
        new LeaseStrategy(),
        new DeploymentStrategy(),
        new ReplicaSetStrategy());
  }
}
