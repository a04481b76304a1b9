package io.hypersdk.convert.bootcheck;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Reads the frames qemu's {@code filter-dump} recorded for one NIC and tells whether the guest sent anything
 * and which IPv4 address it got: from a DHCPACK to its MAC, or from any IPv4 or ARP frame it sent with a
 * non-zero source address (a static configuration). The file may end in a half-written record while qemu runs.
 */
final class PcapAddresses {
  /** What a NIC did: whether it sent any frame, and its IPv4 address or null. */
  record Seen(boolean sentFrames, String address) {}

  private static final int ETHERNET = 1;

  private PcapAddresses() {}

  static Seen read(Path pcap, String mac) throws IOException {
    byte[] data;
    try {
      data = Files.readAllBytes(pcap);
    } catch (NoSuchFileException e) {
      return new Seen(false, null);
    }
    return parse(data, macBytes(mac));
  }

  static Seen parse(byte[] data, byte[] mac) {
    if (data.length < 24) {
      return new Seen(false, null);
    }
    ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    int magic = b.getInt(0);
    if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
      b.order(ByteOrder.BIG_ENDIAN);
    }
    if (b.getInt(20) != ETHERNET) {
      return new Seen(false, null);
    }
    boolean sent = false;
    String address = null;
    int pos = 24;
    while (pos + 16 <= data.length) {
      int captured = b.getInt(pos + 8);
      int start = pos + 16;
      if (captured < 0 || start + captured > data.length) {
        break;
      }
      ByteBuffer frame = ByteBuffer.wrap(data, start, captured).slice().order(ByteOrder.BIG_ENDIAN);
      if (captured >= 14) {
        boolean fromGuest = equalsAt(frame, 6, mac);
        sent |= fromGuest;
        String a = addressIn(frame, captured, fromGuest, mac);
        if (a != null) {
          address = a;
        }
      }
      pos = start + captured;
    }
    return new Seen(sent, address);
  }

  private static String addressIn(ByteBuffer f, int len, boolean fromGuest, byte[] mac) {
    int l3 = 14;
    int type = f.getShort(12) & 0xffff;
    if (type == 0x8100 && len >= 18) {
      type = f.getShort(16) & 0xffff;
      l3 = 18;
    }
    if (type == 0x0806 && fromGuest && len >= l3 + 18) {
      int sender = f.getInt(l3 + 14);
      return sender != 0 ? ipv4(sender) : null;
    }
    if (type != 0x0800 || len < l3 + 20) {
      return null;
    }
    int source = f.getInt(l3 + 12);
    if (fromGuest) {
      return source != 0 ? ipv4(source) : null;
    }
    int ihl = (f.get(l3) & 0x0f) * 4;
    int udp = l3 + ihl;
    if (f.get(l3 + 9) != 17 || len < udp + 8 + 240) {
      return null;
    }
    int bootp = udp + 8;
    boolean dhcpReply = (f.getShort(udp) & 0xffff) == 67 && (f.getShort(udp + 2) & 0xffff) == 68
        && f.get(bootp) == 2 && equalsAt(f, bootp + 28, mac) && f.getInt(bootp + 236) == 0x63825363;
    if (!dhcpReply) {
      return null;
    }
    for (int o = bootp + 240; o < len && (f.get(o) & 0xff) != 255; ) {
      int code = f.get(o) & 0xff;
      if (code == 0) {
        o++;
        continue;
      }
      if (o + 1 >= len) {
        break;
      }
      int optLen = f.get(o + 1) & 0xff;
      if (code == 53 && optLen == 1 && o + 2 < len && f.get(o + 2) == 5) {
        return ipv4(f.getInt(bootp + 16));
      }
      o += 2 + optLen;
    }
    return null;
  }

  private static boolean equalsAt(ByteBuffer f, int offset, byte[] mac) {
    for (int i = 0; i < 6; i++) {
      if (f.get(offset + i) != mac[i]) {
        return false;
      }
    }
    return true;
  }

  static byte[] macBytes(String mac) {
    return HexFormat.of().parseHex(mac.replace(":", "").replace("-", "").toLowerCase(Locale.ROOT));
  }

  private static String ipv4(int a) {
    return (a >>> 24) + "." + (a >>> 16 & 0xff) + "." + (a >>> 8 & 0xff) + "." + (a & 0xff);
  }
}
