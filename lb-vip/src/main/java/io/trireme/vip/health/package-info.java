/** Named health checks that decide whether this node may hold the VIP. */
package io.trireme.vip.health;
