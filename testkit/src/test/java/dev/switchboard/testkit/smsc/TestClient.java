package dev.switchboard.testkit.smsc;

import java.io.DataInputStream;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.jsmpp.DefaultPDUReader;
import org.jsmpp.InvalidCommandLengthException;
import org.jsmpp.SMPPConstant;
import org.jsmpp.SynchronizedPDUSender;
import org.jsmpp.bean.AlertNotification;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.Command;
import org.jsmpp.bean.DataCodings;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.SMSCDeliveryReceipt;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.MessageReceiverListener;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.session.Session;
import org.jsmpp.session.connection.socket.SocketConnectionFactory;

/** A plain jsmpp ESME for the simulator's tests: records what it receives and the wire order. */
final class TestClient implements AutoCloseable {
  final SMPPSession session;
  final List<DeliverSm> received = new CopyOnWriteArrayList<>();

  /** "receipt:<id>" from the listener and "resp:<id>" from the submitting thread, in order. */
  final ConcurrentLinkedQueue<String> events = new ConcurrentLinkedQueue<>();

  /** Sequence numbers of submit_sm_resp in the order the reader thread read them. */
  final ConcurrentLinkedQueue<Integer> submitRespSequences = new ConcurrentLinkedQueue<>();

  /** How many deliver_sm are still answered {@link #refusalStatus}. */
  final AtomicInteger refuseDeliveries = new AtomicInteger();

  /** The command_status of a refused deliver_sm; 0x64 (ESME_RX_T_APPN) unless a test sets it. */
  final AtomicInteger refusalStatus = new AtomicInteger(SMPPConstant.STAT_ESME_RX_T_APPN);

  private TestClient() {
    DefaultPDUReader reader =
        new DefaultPDUReader() {
          @Override
          public Command readPDUHeader(DataInputStream in)
              throws InvalidCommandLengthException, IOException {
            Command header = super.readPDUHeader(in);
            if (header.getCommandId()
                == (SMPPConstant.CID_SUBMIT_SM | SMPPConstant.MASK_CID_RESP)) {
              submitRespSequences.add(header.getSequenceNumber());
            }
            return header;
          }
        };
    session =
        new SMPPSession(new SynchronizedPDUSender(), reader, SocketConnectionFactory.getInstance());
    session.setTransactionTimer(5_000);
    session.setMessageReceiverListener(new Listener());
  }

  static TestClient bind(int port, BindType type, String systemId, String password)
      throws IOException {
    TestClient client = new TestClient();
    client.session.connectAndBind(
        "127.0.0.1",
        port,
        new BindParameter(
            type,
            systemId,
            password,
            "test",
            TypeOfNumber.UNKNOWN,
            NumberingPlanIndicator.UNKNOWN,
            null),
        5_000);
    return client;
  }

  String submit(String to, byte[] text, boolean receipt, OptionalParameter... params)
      throws Exception {
    String id =
        session
            .submitShortMessage(
                "",
                TypeOfNumber.ALPHANUMERIC,
                NumberingPlanIndicator.UNKNOWN,
                "Switchbd",
                TypeOfNumber.INTERNATIONAL,
                NumberingPlanIndicator.ISDN,
                to,
                new ESMClass(),
                (byte) 0,
                (byte) 1,
                null,
                "000001000000000R",
                new RegisteredDelivery(
                    receipt ? SMSCDeliveryReceipt.SUCCESS_FAILURE : SMSCDeliveryReceipt.DEFAULT),
                (byte) 0,
                DataCodings.ZERO,
                (byte) 0,
                text,
                params)
            .getMessageId();
    events.add("resp:" + id);
    return id;
  }

  @Override
  public void close() {
    session.unbindAndClose();
  }

  private final class Listener implements MessageReceiverListener {
    @Override
    public void onAcceptDeliverSm(DeliverSm deliverSm) throws ProcessRequestException {
      received.add(deliverSm);
      if (refuseDeliveries.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
        throw new ProcessRequestException("later", refusalStatus.get());
      }
      if (deliverSm.isSmscDeliveryReceipt()) {
        OptionalParameter id =
            deliverSm.getOptionalParameter(OptionalParameter.Tag.RECEIPTED_MESSAGE_ID);
        events.add(
            "receipt:"
                + (id instanceof OptionalParameter.COctetString s ? s.getValueAsString() : "?"));
      }
    }

    @Override
    public void onAcceptAlertNotification(AlertNotification alertNotification) {}

    @Override
    public DataSmResult onAcceptDataSm(DataSm dataSm, Session source)
        throws ProcessRequestException {
      throw new ProcessRequestException("no data_sm", SMPPConstant.STAT_ESME_RINVCMDID);
    }
  }
}
