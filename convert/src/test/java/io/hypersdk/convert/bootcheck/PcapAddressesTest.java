package io.hypersdk.convert.bootcheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapAddressesTest {
  static final byte[] GUEST = PcapAddresses.macBytes("52:54:00:12:34:56");
  static final byte[] SLIRP = PcapAddresses.macBytes("52:55:0a:00:02:02");
  static final byte[] BROADCAST = PcapAddresses.macBytes("ff:ff:ff:ff:ff:ff");

  @TempDir Path dir;

  static byte[] pcap(byte[]... frames) {
    ByteBuffer b = ByteBuffer.allocate(24 + Arrays.stream(frames).mapToInt(f -> f.length + 16).sum())
        .order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1);
    for (byte[] f : frames) {
      b.putInt(0).putInt(0).putInt(f.length).putInt(f.length).put(f);
    }
    return b.array();
  }

  static ByteBuffer ethernet(byte[] dst, byte[] src, int type, int payload) {
    ByteBuffer f = ByteBuffer.allocate(14 + payload).order(ByteOrder.BIG_ENDIAN);
    f.put(dst).put(src).putShort((short) type);
    return f;
  }

  /** A DHCP reply from slirp: offer (2) or ack (5) of {@code yiaddr} to {@code chaddr}. */
  static byte[] dhcpReply(byte[] chaddr, int type, int yiaddr) {
    ByteBuffer f = ethernet(BROADCAST, SLIRP, 0x0800, 20 + 8 + 244);
    f.put((byte) 0x45).position(14 + 9);
    f.put((byte) 17).position(14 + 12);
    f.putInt(0x0a000202).putInt(0xffffffff);
    f.putShort((short) 67).putShort((short) 68).putShort((short) 252).putShort((short) 0);
    int bootp = 14 + 28;
    f.put(bootp, (byte) 2);
    f.putInt(bootp + 16, yiaddr);
    f.put(bootp + 28, chaddr);
    f.putInt(bootp + 236, 0x63825363);
    f.put(bootp + 240, (byte) 53).put(bootp + 241, (byte) 1).put(bootp + 242, (byte) type).put(bootp + 243, (byte) 255);
    return f.array();
  }

  static byte[] dhcpDiscover() {
    ByteBuffer f = ethernet(BROADCAST, GUEST, 0x0800, 28);
    f.put((byte) 0x45).position(14 + 9);
    f.put((byte) 17).position(14 + 12);
    f.putInt(0).putInt(0xffffffff);
    return f.array();
  }

  static byte[] arpFrom(byte[] mac, int senderIp) {
    ByteBuffer f = ethernet(BROADCAST, mac, 0x0806, 28);
    f.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) 1).put(mac)
        .putInt(senderIp);
    return f.array();
  }

  @Test
  void aDhcpAckToTheGuestGivesItsAddress() {
    assertThat(PcapAddresses.parse(pcap(dhcpDiscover(), dhcpReply(GUEST, 2, 0x0a00020f)), GUEST))
        .isEqualTo(new PcapAddresses.Seen(true, null));
    assertThat(PcapAddresses.parse(pcap(dhcpDiscover(), dhcpReply(GUEST, 2, 0x0a00020f),
        dhcpReply(GUEST, 5, 0x0a00020f)), GUEST)).isEqualTo(new PcapAddresses.Seen(true, "10.0.2.15"));
  }

  @Test
  void anAckToAnotherMacIsNotOurs() {
    assertThat(PcapAddresses.parse(pcap(dhcpReply(SLIRP, 5, 0x0a00020f)), GUEST))
        .isEqualTo(new PcapAddresses.Seen(false, null));
  }

  @Test
  void aStaticAddressShowsInTheGuestsArp() {
    assertThat(PcapAddresses.parse(pcap(arpFrom(GUEST, 0)), GUEST)).isEqualTo(new PcapAddresses.Seen(true, null));
    assertThat(PcapAddresses.parse(pcap(arpFrom(GUEST, 0xc0a80a05)), GUEST))
        .isEqualTo(new PcapAddresses.Seen(true, "192.168.10.5"));
  }

  @Test
  void aHalfWrittenLastRecordAndAMissingFileAreFine() throws Exception {
    byte[] whole = pcap(dhcpReply(GUEST, 5, 0x0a00020f), dhcpDiscover());
    assertThat(PcapAddresses.parse(Arrays.copyOf(whole, whole.length - 5), GUEST).address()).isEqualTo("10.0.2.15");
    assertThat(PcapAddresses.read(dir.resolve("none.pcap"), "52:54:00:12:34:56"))
        .isEqualTo(new PcapAddresses.Seen(false, null));
    ByteArrayOutputStream headerOnly = new ByteArrayOutputStream();
    headerOnly.write(pcap(), 0, 24);
    Files.write(dir.resolve("empty.pcap"), headerOnly.toByteArray());
    assertThat(PcapAddresses.read(dir.resolve("empty.pcap"), "52:54:00:12:34:56").sentFrames()).isFalse();
  }
}
