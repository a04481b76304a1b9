package io.hypersdk.providers.aws;

import io.hypersdk.providers.DiskInfo;
import io.hypersdk.providers.NicInfo;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.VmInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesRequest;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceBlockDeviceMapping;
import software.amazon.awssdk.services.ec2.model.InstanceNetworkInterface;
import software.amazon.awssdk.services.ec2.model.InstanceTypeInfo;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.Volume;

/** Reads instances from EC2 and describes them as the manifest needs: vCPUs, memory, boot mode, volumes, ENIs. */
final class Ec2Inventory {
  private static final Pattern INSTANCE_ID = Pattern.compile("i-[0-9a-f]{8,17}");
  private final Ec2Client ec2;
  private final String region;

  Ec2Inventory(Ec2Client ec2, String region) {
    this.ec2 = ec2;
    this.region = region;
  }

  /** Every instance of the region but terminated ones, in the order EC2 pages them. */
  List<Instance> all() throws ProviderException {
    return describe(DescribeInstancesRequest.builder().filters(notTerminated()).build());
  }

  /** The instance named by id ({@code i-...}) or by a Name tag that only it has. */
  Instance find(String vm) throws ProviderException {
    if (vm == null || vm.isBlank()) {
      throw new ProviderException(ProviderException.Kind.INVALID_REQUEST,
          "--vm is required: an instance id (i-...) or a unique Name tag");
    }
    List<Instance> found = INSTANCE_ID.matcher(vm).matches()
        ? describe(DescribeInstancesRequest.builder().instanceIds(vm).build())
        : describe(DescribeInstancesRequest.builder().filters(Filter.builder().name("tag:Name").values(vm).build(),
            notTerminated()).build());
    if (found.isEmpty()) {
      throw new ProviderException(ProviderException.Kind.NOT_FOUND, "instance " + vm + " not found in region "
          + region + " (is it in another region? set --region or AWS_REGION)");
    }
    if (found.size() > 1) {
      // NOT_FOUND, as for an unknown name: no one instance is found, in --vm-info as in an export.
      throw new ProviderException(ProviderException.Kind.NOT_FOUND, "instance name " + vm + " is ambiguous in "
          + region + ": " + found.stream().map(i -> i.instanceId() + " (" + i.state().nameAsString() + ")")
          .collect(Collectors.joining(", ")) + "; use the instance id");
    }
    return found.get(0);
  }

  /** The facts of each instance, with vCPUs and memory from its instance type and sizes from its volumes. */
  List<VmInfo> describe(List<Instance> instances) throws ProviderException {
    Map<String, InstanceTypeInfo> types = new HashMap<>();
    List<String> typeNames = instances.stream().map(Instance::instanceTypeAsString).distinct().toList();
    if (!typeNames.isEmpty()) {
      try {
        ec2.describeInstanceTypesPaginator(r -> r.instanceTypesWithStrings(typeNames)).instanceTypes()
            .forEach(t -> types.put(t.instanceTypeAsString(), t));
      } catch (SdkException e) {
        throw AwsErrors.map(e, "ec2:DescribeInstanceTypes");
      }
    }
    List<String> volumeIds = instances.stream().flatMap(i -> i.blockDeviceMappings().stream())
        .filter(m -> m.ebs() != null).map(m -> m.ebs().volumeId()).toList();
    Map<String, Volume> volumes = new HashMap<>();
    if (!volumeIds.isEmpty()) {
      try {
        ec2.describeVolumesPaginator(r -> r.volumeIds(volumeIds)).volumes().forEach(v -> volumes.put(v.volumeId(), v));
      } catch (SdkException e) {
        throw AwsErrors.map(e, "ec2:DescribeVolumes");
      }
    }
    List<VmInfo> out = new ArrayList<>();
    for (Instance i : instances) {
      out.add(info(i, types.get(i.instanceTypeAsString()), volumes));
    }
    return out;
  }

  private VmInfo info(Instance i, InstanceTypeInfo type, Map<String, Volume> volumes) {
    Integer cpu = type != null && type.vCpuInfo() != null ? type.vCpuInfo().defaultVCpus()
        : i.cpuOptions() != null && i.cpuOptions().coreCount() != null
            ? i.cpuOptions().coreCount() * (i.cpuOptions().threadsPerCore() == null ? 1
                : i.cpuOptions().threadsPerCore()) : null;
    Long mem = type != null && type.memoryInfo() != null ? type.memoryInfo().sizeInMiB() : null;
    List<DiskInfo> disks = new ArrayList<>();
    for (InstanceBlockDeviceMapping m : bootOrder(i)) {
      Volume v = volumes.get(m.ebs().volumeId());
      long bytes = v == null || v.size() == null ? 0 : v.size() * (1L << 30);
      disks.add(new DiskInfo(m.ebs().volumeId(), m.deviceName(), bytes, m.ebs().volumeId()));
    }
    List<NicInfo> nics = i.networkInterfaces().stream()
        .sorted(Comparator.comparing(n -> n.attachment() == null || n.attachment().deviceIndex() == null
            ? Integer.MAX_VALUE : n.attachment().deviceIndex()))
        .map((InstanceNetworkInterface n) -> new NicInfo(n.networkInterfaceId(), n.macAddress(), n.subnetId()))
        .toList();
    String platform = i.platformDetails() == null ? "" : i.platformDetails().toLowerCase(Locale.ROOT);
    String os = platform.contains("windows") ? "windows" : platform.isEmpty() ? "unknown" : "linux";
    return new VmInfo(i.instanceId(), name(i), i.instanceId(), region, cpu, mem, firmware(i), null,
        i.imageId(), os, i.platformDetails(), i.state() == null ? null : i.state().nameAsString(), disks, nics);
  }

  /** EBS volumes with the root device first, then by device name; instance-store volumes cannot be read. */
  static List<InstanceBlockDeviceMapping> bootOrder(Instance i) {
    return i.blockDeviceMappings().stream().filter(m -> m.ebs() != null)
        .sorted(Comparator.comparing((InstanceBlockDeviceMapping m) -> !m.deviceName().equals(i.rootDeviceName()))
            .thenComparing(InstanceBlockDeviceMapping::deviceName))
        .toList();
  }

  /** The boot mode the instance runs with (uefi-preferred resolves at launch), in the manifest's names. */
  static String firmware(Instance i) {
    String mode = i.currentInstanceBootModeAsString() != null ? i.currentInstanceBootModeAsString()
        : i.bootModeAsString();
    if (mode == null) {
      return "unknown";
    }
    return switch (mode) {
      case "uefi" -> "uefi";
      case "legacy-bios" -> "bios";
      default -> "unknown";
    };
  }

  static String name(Instance i) {
    return i.tags().stream().filter(t -> "Name".equals(t.key())).map(Tag::value).findFirst().orElse(i.instanceId());
  }

  private List<Instance> describe(DescribeInstancesRequest request) throws ProviderException {
    try {
      List<Instance> out = new ArrayList<>();
      ec2.describeInstancesPaginator(request).reservations().forEach(r -> out.addAll(r.instances()));
      return out;
    } catch (SdkException e) {
      if (e instanceof software.amazon.awssdk.awscore.exception.AwsServiceException s && s.awsErrorDetails() != null
          && s.awsErrorDetails().errorCode() != null
          && s.awsErrorDetails().errorCode().startsWith("InvalidInstanceID")) {
        return List.of();
      }
      throw AwsErrors.map(e, "ec2:DescribeInstances");
    }
  }

  private static Filter notTerminated() {
    return Filter.builder().name("instance-state-name")
        .values("pending", "running", "stopping", "stopped", "shutting-down").build();
  }
}
