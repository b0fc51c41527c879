package dev.ratchet.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A pod network on this machine, as a CNI bridge plugin makes one: a bridge with the gateway
 * address, and for each pod a network namespace joined to it by a veth pair, with its own address
 * in the bridge's /24. This machine reaches every pod at its address and every pod reaches this
 * machine at the gateway; nothing is routed further, so no traffic leaves the machine. Needs root
 * and iproute2.
 */
final class PodNetwork implements AutoCloseable {

  private final int subnet;
  private final String bridge;
  private final AtomicInteger next = new AtomicInteger(2);
  private final Map<String, Attachment> attached = new ConcurrentHashMap<>();

  /** A pod's place in the network: its address and the namespace a container joins. */
  record Attachment(String namespace, String address) {
    String path() {
      return "/run/netns/" + namespace;
    }
  }

  private PodNetwork(int subnet) {
    this.subnet = subnet;
    this.bridge = "rk" + subnet + "br";
  }

  /** Creates the bridge on a /24 of 10.244.0.0/16 that no other network of this machine uses. */
  static PodNetwork create() throws IOException, InterruptedException {
    for (int tries = 0; tries < 20; tries++) {
      int subnet = ThreadLocalRandom.current().nextInt(10, 250);
      PodNetwork network = new PodNetwork(subnet);
      if (!ip("-br", "addr").contains("10.244." + subnet + ".")) {
        ip("link", "add", network.bridge, "type", "bridge");
        ip("addr", "add", network.gateway() + "/24", "dev", network.bridge);
        ip("link", "set", network.bridge, "up");
        return network;
      }
    }
    throw new IOException("no free /24 in 10.244.0.0/16 for a pod network");
  }

  /** This machine's address on the pod network: pods reach servers bound to it. */
  String gateway() {
    return "10.244." + subnet + ".1";
  }

  /** A namespace with its own address for the pod {@code key}. */
  Attachment attach(String key) throws IOException, InterruptedException {
    int host = next.getAndIncrement();
    if (host > 254) {
      throw new IOException("the pod network " + gateway() + "/24 is full");
    }
    String namespace = "rk" + subnet + "-" + host;
    String outside = "rk" + subnet + "h" + host;
    String inside = "rk" + subnet + "p" + host;
    Attachment attachment = new Attachment(namespace, "10.244." + subnet + "." + host);
    ip("netns", "add", namespace);
    ip("link", "add", outside, "type", "veth", "peer", "name", inside);
    ip("link", "set", inside, "netns", namespace);
    ip("link", "set", outside, "master", bridge);
    ip("link", "set", outside, "up");
    ip("-n", namespace, "link", "set", inside, "name", "eth0");
    ip("-n", namespace, "addr", "add", attachment.address() + "/24", "dev", "eth0");
    ip("-n", namespace, "link", "set", "eth0", "up");
    ip("-n", namespace, "link", "set", "lo", "up");
    ip("-n", namespace, "route", "add", "default", "via", gateway());
    attached.put(key, attachment);
    return attachment;
  }

  /** Removes the pod's namespace (and with it its end of the veth pair). */
  void detach(String key) {
    Attachment attachment = attached.remove(key);
    if (attachment != null) {
      try {
        ip("netns", "del", attachment.namespace());
      } catch (IOException | InterruptedException e) {
        // already gone
      }
    }
  }

  @Override
  public void close() {
    List.copyOf(attached.keySet()).forEach(this::detach);
    try {
      ip("link", "del", bridge);
    } catch (IOException | InterruptedException e) {
      // already gone
    }
  }

  private static String ip(String... args) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of("ip"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IOException(String.join(" ", command) + ": " + output.strip());
    }
    return output;
  }
}
