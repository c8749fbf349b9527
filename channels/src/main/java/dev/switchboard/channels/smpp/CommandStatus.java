package dev.switchboard.channels.smpp;

import dev.switchboard.engine.provider.SendOutcome;
import java.util.Map;

/**
 * What a submit_sm_resp command_status means for the message (Kannel's split, PROVIDERS.md §1).
 * Error codes are stable: {@code smpp_0x} followed by the status as eight lower-case hex digits
 * (e.g. {@code smpp_0x0000000b}); the reason is {@code NAME: description} for the statuses named
 * here and {@code unknown command_status} otherwise.
 */
public final class CommandStatus {

  /**
   * A classified status.
   *
   * @param sessionLost the status says the bind itself is unusable: the session reports itself lost
   *     so the runtime binds again
   */
  public record Classified(SendOutcome outcome, boolean sessionLost) {}

  private record Name(String name, String description) {}

  private static final Map<Integer, Name> NAMES =
      Map.ofEntries(
          Map.entry(0x01, new Name("ESME_RINVMSGLEN", "message length is invalid")),
          Map.entry(0x02, new Name("ESME_RINVCMDLEN", "command length is invalid")),
          Map.entry(0x03, new Name("ESME_RINVCMDID", "invalid command id")),
          Map.entry(0x04, new Name("ESME_RINVBNDSTS", "incorrect bind status for the command")),
          Map.entry(0x05, new Name("ESME_RALYBND", "already bound")),
          Map.entry(0x08, new Name("ESME_RSYSERR", "system error")),
          Map.entry(0x0A, new Name("ESME_RINVSRCADR", "invalid source address")),
          Map.entry(0x0B, new Name("ESME_RINVDSTADR", "invalid destination address")),
          Map.entry(0x0C, new Name("ESME_RINVMSGID", "message id is invalid")),
          Map.entry(0x0D, new Name("ESME_RBINDFAIL", "bind failed")),
          Map.entry(0x0E, new Name("ESME_RINVPASWD", "invalid password")),
          Map.entry(0x0F, new Name("ESME_RINVSYSID", "invalid system id")),
          Map.entry(0x14, new Name("ESME_RMSGQFUL", "message queue full")),
          Map.entry(0x15, new Name("ESME_RINVSERTYP", "invalid service type")),
          Map.entry(0x43, new Name("ESME_RINVESMCLASS", "invalid esm_class")),
          Map.entry(0x45, new Name("ESME_RSUBMITFAIL", "submit_sm failed")),
          Map.entry(0x48, new Name("ESME_RINVSRCTON", "invalid source address TON")),
          Map.entry(0x49, new Name("ESME_RINVSRCNPI", "invalid source address NPI")),
          Map.entry(0x50, new Name("ESME_RINVDSTTON", "invalid destination address TON")),
          Map.entry(0x51, new Name("ESME_RINVDSTNPI", "invalid destination address NPI")),
          Map.entry(0x53, new Name("ESME_RINVSYSTYP", "invalid system_type")),
          Map.entry(
              0x58, new Name("ESME_RTHROTTLED", "throttling error, the SMSC asks to slow down")),
          Map.entry(0x61, new Name("ESME_RINVSCHED", "invalid scheduled delivery time")),
          Map.entry(0x62, new Name("ESME_RINVEXPIRY", "invalid validity period")),
          Map.entry(0x64, new Name("ESME_RX_T_APPN", "temporary application error")),
          Map.entry(0x65, new Name("ESME_RX_P_APPN", "permanent application error")),
          Map.entry(0x66, new Name("ESME_RX_R_APPN", "application rejected the message")),
          Map.entry(0xC0, new Name("ESME_RINVOPTPARSTREAM", "error in the optional part")),
          Map.entry(0xC1, new Name("ESME_ROPTPARNOTALLWD", "optional parameter not allowed")),
          Map.entry(0xC2, new Name("ESME_RINVPARLEN", "invalid parameter length")),
          Map.entry(0xC3, new Name("ESME_RMISSINGOPTPARAM", "expected optional parameter missing")),
          Map.entry(0xC4, new Name("ESME_RINVOPTPARAMVAL", "invalid optional parameter value")),
          Map.entry(0xFE, new Name("ESME_RDELIVERYFAILURE", "delivery failure")),
          Map.entry(0xFF, new Name("ESME_RUNKNOWNERR", "unknown error")),
          Map.entry(0x104, new Name("ESME_RINVDCS", "invalid data_coding")));

  private CommandStatus() {}

  /** The stable error code of a status, e.g. {@code smpp_0x00000058}. */
  public static String code(int status) {
    return "smpp_0x%08x".formatted(status);
  }

  /** {@code NAME: description}, or {@code unknown command_status} for a status not named here. */
  public static String reason(int status) {
    Name name = NAMES.get(status);
    return name == null ? "unknown command_status" : name.name() + ": " + name.description();
  }

  /** Classifies a non-zero submit_sm_resp status. */
  public static Classified classify(int status) {
    String code = code(status);
    String reason = reason(status);
    return switch (status) {
      case 0x58, 0x14 -> new Classified(new SendOutcome.Throttled(code, null), false);
      case 0x08, 0x64 ->
          new Classified(new SendOutcome.TransientFailure(code, reason, null), false);
      case 0x04, 0x05 -> new Classified(new SendOutcome.TransientFailure(code, reason, null), true);
      // Every other status, unknown ones included, is permanent: a refusal we cannot read would
      // otherwise be resent until the message's deadline, each time billed or refused again.
      default -> new Classified(new SendOutcome.PermanentFailure(code, reason), false);
    };
  }
}
