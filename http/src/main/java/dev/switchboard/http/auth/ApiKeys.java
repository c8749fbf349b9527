package dev.switchboard.http.auth;

import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API keys this engine accepts, held only as SHA-256 hashes: the accounts of {@code
 * switchboard.http.accounts}, plus the account {@code default} whose key is {@code
 * switchboard.http.api-key} or, when that is empty, generated at first start, printed once, and
 * kept (hashed) in the data directory.
 */
public final class ApiKeys {
  private static final Logger LOG = LoggerFactory.getLogger(ApiKeys.class);
  public static final String DEFAULT_ACCOUNT = "default";
  static final String KEY_FILE = "default-api-key.sha256";

  private final Map<String, Account> byHash;

  ApiKeys(Map<String, Account> byHash) {
    this.byHash = Map.copyOf(byHash);
  }

  public static ApiKeys create(Config root, Path dataDir) throws IOException {
    Config http = root.getConfig("switchboard.http");
    Map<String, Account> byHash = new HashMap<>();
    for (Config account : http.getConfigList("accounts")) {
      String hash = account.getString("key-sha256").toLowerCase(java.util.Locale.ROOT);
      if (!hash.matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException(
            "switchboard.http.accounts: key-sha256 of "
                + account.getString("id")
                + " is not 64 hex digits");
      }
      byHash.put(hash, new Account(account.getString("id")));
    }
    byHash.put(defaultKeyHash(http.getString("api-key"), dataDir), new Account(DEFAULT_ACCOUNT));
    return new ApiKeys(byHash);
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
