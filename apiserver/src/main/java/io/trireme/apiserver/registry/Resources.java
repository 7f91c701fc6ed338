package io.trireme.apiserver.registry;

import io.trireme.apiserver.registry.apps.daemonset.DaemonSetStrategy;
import io.trireme.apiserver.registry.apps.deployment.DeploymentStrategy;
import io.trireme.apiserver.registry.apps.replicaset.ReplicaSetStrategy;
import io.trireme.apiserver.registry.apps.statefulset.StatefulSetStrategy;
import io.trireme.apiserver.auth.Authorizer;
import io.trireme.apiserver.auth.ServiceAccountTokens;
import io.trireme.apiserver.registry.authentication.selfsubjectreview.SelfSubjectReviewStrategy;
import io.trireme.apiserver.registry.authorization.selfsubjectaccessreview.SelfSubjectAccessReviewStrategy;
import io.trireme.apiserver.registry.authorization.selfsubjectrulesreview.SelfSubjectRulesReviewStrategy;
import io.trireme.apiserver.registry.batch.cronjob.CronJobStrategy;
import io.trireme.apiserver.registry.batch.job.JobStrategy;
import io.trireme.apiserver.registry.coordination.lease.LeaseStrategy;
import io.trireme.apiserver.registry.core.componentstatus.ComponentStatusStrategy;
import io.trireme.apiserver.registry.core.configmap.ConfigMapStrategy;
import io.trireme.apiserver.registry.core.endpoints.EndpointsStrategy;
import io.trireme.apiserver.registry.core.event.EventStrategy;
import io.trireme.apiserver.registry.core.limitrange.LimitRangeStrategy;
import io.trireme.apiserver.registry.core.namespace.NamespaceStrategy;
import io.trireme.apiserver.registry.core.node.NodeStrategy;
import io.trireme.apiserver.registry.core.pod.PodStrategy;
import io.trireme.apiserver.registry.core.resourcequota.ResourceQuotaStrategy;
import io.trireme.apiserver.registry.core.secret.SecretStrategy;
import io.trireme.apiserver.registry.core.service.ServiceStrategy;
import io.trireme.apiserver.registry.core.serviceaccount.ServiceAccountStrategy;
import io.trireme.apiserver.registry.discovery.endpointslice.EndpointSliceStrategy;
import io.trireme.apiserver.registry.events.event.EventsV1Strategy;
import io.trireme.apiserver.registry.generic.ResourceStrategy;
import io.trireme.apiserver.registry.policy.poddisruptionbudget.PodDisruptionBudgetStrategy;
import io.trireme.apiserver.registry.rbac.binding.RoleBindingStrategy;
import io.trireme.apiserver.registry.rbac.role.RoleStrategy;
import io.trireme.apiserver.storage.StoreHealth;
import java.time.Clock;
import java.util.List;

/** The registration: every served resource, in discovery order. Adding a resource is one line here. */
public final class Resources {
  private Resources() {}

  /**
   * @param storeHealth the store members' health for componentstatuses (null: none to report)
   * @param authorizer answers the access reviews
   */
  public static List<ResourceStrategy> all(Clock clock, StoreHealth storeHealth, Authorizer authorizer) {
    return all(clock, storeHealth, authorizer, null);
  }

  /** @param tokens signs service-account tokens ({@code serviceaccounts/token}); null: no such subresource */
  public static List<ResourceStrategy> all(Clock clock, StoreHealth storeHealth, Authorizer authorizer,
      ServiceAccountTokens tokens) {
    return List.of(
        new NamespaceStrategy(),
        new ConfigMapStrategy(),
        new SecretStrategy(),
        tokens == null ? new ServiceAccountStrategy() : new ServiceAccountStrategy(tokens, clock),
        new PodStrategy(clock),
        new NodeStrategy(),
        new ServiceStrategy(),
        new EndpointsStrategy(),
        new EventStrategy(),
        new LimitRangeStrategy(),
        new ResourceQuotaStrategy(),
        new ComponentStatusStrategy(storeHealth),
        new LeaseStrategy(),
        new DeploymentStrategy(),
        new ReplicaSetStrategy(),
        new StatefulSetStrategy(),
        new DaemonSetStrategy(),
        new JobStrategy(),
        new CronJobStrategy(),
        new PodDisruptionBudgetStrategy(),
        new EndpointSliceStrategy(),
        new EventsV1Strategy(),
        RoleStrategy.role(),
        RoleStrategy.clusterRole(),
        RoleBindingStrategy.roleBinding(),
        RoleBindingStrategy.clusterRoleBinding(),
        SelfSubjectAccessReviewStrategy.of(authorizer),
        SelfSubjectRulesReviewStrategy.of(authorizer),
        SelfSubjectReviewStrategy.of());
  }
}
