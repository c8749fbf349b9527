package dev.switchboard.http.auth;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API keys this engine accepts, held only as SHA-256 hashes: the accounts of {@code
 * switchboard.http.accounts} (each with one key or several, for rotation; an account, or a key,
 * configured twice stops the start), plus the account {@code default} whose key is {@code
 * switchboard.http.api-key} or, when that is empty, generated at first start, printed once, and
 * kept (hashed) in the data directory.
 */
public final class ApiKeys {
  private static final Logger LOG = LoggerFactory.getLogger(ApiKeys.class);
  public static final String DEFAULT_ACCOUNT = "default";
  static final String KEY_FILE = "default-api-key.sha256";
  private static final String KEY_SHA256 = "key-sha256";

  private final Map<String, Account> byHash;

  ApiKeys(Map<String, Account> byHash) {
    this.byHash = Map.copyOf(byHash);
  }

  public static ApiKeys create(Config root, Path dataDir) throws IOException {
    Config http = root.getConfig("switchboard.http");
    Map<String, Account> byHash = new HashMap<>();
    Set<String> ids = new HashSet<>();
    for (Config account : http.getConfigList("accounts")) {
      String id = account.getString("id");
      if (id.equals(DEFAULT_ACCOUNT) || !ids.add(id)) {
        throw new IllegalArgumentException(
            "switchboard.http.accounts: the account '"
                + id
                + "' is configured twice ('"
                + DEFAULT_ACCOUNT
                + "' is switchboard.http.api-key's); give one entry several keys instead:"
                + " key-sha256 = [\"<new>\", \"<old>\"]");
      }
      for (String hash : hashes(account, id)) {
        Account other = byHash.put(hash, new Account(id));
        if (other != null) {
          throw new IllegalArgumentException(
              "switchboard.http.accounts: a key-sha256 of "
                  + id
                  + " is also "
                  + (other.id().equals(id) ? "listed twice" : "a key of " + other.id()));
        }
      }
    }
    String defaultHash = defaultKeyHash(http.getString("api-key"), dataDir);
    Account owner = byHash.putIfAbsent(defaultHash, new Account(DEFAULT_ACCOUNT));
    if (owner != null) {
      throw new IllegalArgumentException(
          "switchboard.http.api-key is also a key of the account " + owner.id());
    }
    return new ApiKeys(byHash);
  }

  // One hash, or a list: several keys let an account's clients move to a new key without a gap.
  private static List<String> hashes(Config account, String id) {
    List<String> hashes =
        account.getValue(KEY_SHA256).valueType() == ConfigValueType.LIST
            ? account.getStringList(KEY_SHA256)
            : List.of(account.getString(KEY_SHA256));
    if (hashes.isEmpty()) {
      throw new IllegalArgumentException(
          "switchboard.http.accounts: key-sha256 of " + id + " lists no key");
    }
    List<String> normalized = new ArrayList<>();
    for (String hash : hashes) {
      String lower = hash.toLowerCase(java.util.Locale.ROOT);
      if (!lower.matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException(
            "switchboard.http.accounts: key-sha256 of " + id + " is not 64 hex digits");
      }
      normalized.add(lower);
    }
    return normalized;
  }

  private static String defaultKeyHash(String configured, Path dataDir) throws IOException {
    if (!configured.isBlank()) {
      return sha256(configured);
    }
    Path file = dataDir.resolve(KEY_FILE);
    if (Files.exists(file)) {
      String stored = Files.readString(file, StandardCharsets.UTF_8).trim();
      if (!stored.matches("[0-9a-f]{64}")) {
        throw new IllegalStateException(
            file
                + " does not hold a SHA-256 hash; delete it to generate a new key, or set SWITCHBOARD_API_KEY");
      }
      return stored;
    }
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    String key = "sb_" + HexFormat.of().formatHex(random);
    Files.createDirectories(dataDir);
    Files.writeString(file, sha256(key) + "\n", StandardCharsets.UTF_8);
    LOG.warn(
        "generated the API key of account '{}': {} (shown once; only its hash is kept in {}; set"
            + " SWITCHBOARD_API_KEY to choose your own)",
        DEFAULT_ACCOUNT,
        key,
        file);
    return sha256(key);
  }

  /** The account a presented key belongs to, if any. */
  public Optional<Account> authenticate(String key) {
    return Optional.ofNullable(byHash.get(sha256(key)));
  }

  public static String sha256(String key) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
