package io.hypersdk.convert.fix;

import io.hypersdk.convert.ConversionException;
import io.hypersdk.convert.ConversionException.Kind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The manifest's {@code configuration} block, as the fix stage applies it: {@code hostname}, {@code users} and
 * {@code ssh_authorized_keys}. Any other key is refused by name rather than dropped, and so is a configuration
 * for a VM whose fix stage is off, since nothing would apply it.
 */
public record GuestConfiguration(String hostname, List<User> users, Map<String, List<String>> sshAuthorizedKeys) {

  /** The keys this build applies. */
  public static final List<String> KEYS = List.of("hostname", "users", "ssh_authorized_keys");

  /** A user to create (or update): supplementary groups, SSH keys and an optional crypt(3) password hash. */
  public record User(String name, List<String> groups, List<String> sshAuthorizedKeys, String passwordHash) {
    public User {
      groups = List.copyOf(groups);
      sshAuthorizedKeys = List.copyOf(sshAuthorizedKeys);
    }
  }

  public GuestConfiguration {
    users = List.copyOf(users);
    sshAuthorizedKeys = Map.copyOf(sshAuthorizedKeys);
  }

  public boolean isEmpty() {
    return hostname == null && users.isEmpty() && sshAuthorizedKeys.isEmpty();
  }

  /** Reads and checks the block; {@code fixEnabled} says whether anything would apply it. */
  public static GuestConfiguration parse(Map<String, Object> block, boolean fixEnabled) throws ConversionException {
    if (block == null || block.isEmpty()) {
      return new GuestConfiguration(null, List.of(), Map.of());
    }
    for (String key : block.keySet()) {
      if (!KEYS.contains(key)) {
        throw invalid("configuration." + key + " is not supported (supported: " + String.join(", ", KEYS)
            + "); remove it from the manifest");
      }
    }
    if (!fixEnabled) {
      throw invalid("configuration needs the fix stage, which applies it: set pipeline.fix.enabled true or "
          + "remove the configuration block");
    }
    String hostname = null;
    if (block.get("hostname") != null) {
      hostname = string(block.get("hostname"), "configuration.hostname");
      if (!hostname.matches("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}"
          + "[A-Za-z0-9])?)*")) {
        throw invalid("configuration.hostname \"" + hostname + "\" is not a valid host name");
      }
    }
    List<User> users = new ArrayList<>();
    for (Object o : list(block.get("users"), "configuration.users")) {
      String where = "configuration.users[" + users.size() + "]";
      if (!(o instanceof Map<?, ?> u)) {
        throw invalid(where + " must be an object with name, groups, ssh_authorized_keys, password_hash");
      }
      for (Object k : u.keySet()) {
        if (!List.of("name", "groups", "ssh_authorized_keys", "password_hash").contains(String.valueOf(k))) {
          throw invalid(where + "." + k + " is not supported (supported: name, groups, ssh_authorized_keys, "
              + "password_hash)");
        }
      }
      String name = userName(u.get("name"), where + ".name");
      List<String> groups = new ArrayList<>();
      for (Object g : list(u.get("groups"), where + ".groups")) {
        groups.add(userName(g, where + ".groups"));
      }
      String hash = u.get("password_hash") == null ? null : string(u.get("password_hash"), where + ".password_hash");
      if (hash != null && !hash.startsWith("$")) {
        throw invalid(where + ".password_hash must be a crypt(3) hash such as $6$..., never a clear-text password");
      }
      users.add(new User(name, groups, keys(u.get("ssh_authorized_keys"), where + ".ssh_authorized_keys"), hash));
    }
    Map<String, List<String>> keys = new LinkedHashMap<>();
    Object k = block.get("ssh_authorized_keys");
    if (k != null) {
      if (!(k instanceof Map<?, ?> byUser)) {
        throw invalid("configuration.ssh_authorized_keys must map a user name to a list of public keys");
      }
      for (Map.Entry<?, ?> e : byUser.entrySet()) {
        String user = userName(e.getKey(), "configuration.ssh_authorized_keys");
        keys.put(user, keys(e.getValue(), "configuration.ssh_authorized_keys." + user));
      }
    }
    return new GuestConfiguration(hostname, users, keys);
  }

  private static List<String> keys(Object o, String where) throws ConversionException {
    List<String> keys = new ArrayList<>();
    for (Object k : list(o, where)) {
      String key = string(k, where);
      if (!key.matches("(ssh-|ecdsa-|sk-)\\S+ \\S+.*") || key.contains("\n")) {
        throw invalid(where + " holds something that is not one OpenSSH public key line");
      }
      keys.add(key);
    }
    return keys;
  }

  private static String userName(Object o, String where) throws ConversionException {
    String name = string(o, where);
    if (!name.matches("[a-z_][a-z0-9_-]{0,31}")) {
      throw invalid(where + " \"" + name + "\" is not a valid user or group name");
    }
    return name;
  }

  private static List<?> list(Object o, String where) throws ConversionException {
    if (o == null) {
      return List.of();
    }
    if (!(o instanceof List<?> l)) {
      throw invalid(where + " must be a list");
    }
    return l;
  }

  private static String string(Object o, String where) throws ConversionException {
    if (!(o instanceof String s) || s.isBlank()) {
      throw invalid(where + " must be a non-empty string");
    }
    return s;
  }

  private static ConversionException invalid(String message) {
    return new ConversionException(Kind.INVALID_MANIFEST, message);
  }
}
