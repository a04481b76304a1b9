package io.hypersdk.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class OutputNamesTest {

  @ParameterizedTest
  @ValueSource(strings = {"../x", "a/b", ".hidden", "..", "x/../y", "a\\b", "/etc/passwd", "tab\there", "nul\u0000"})
  void vmStemRefusesNamesThatCouldLeaveTheOutputFolder(String vmName) {
    assertThatThrownBy(() -> OutputNames.vmStem(vmName))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("source.vm_name \"")
        .hasMessageContaining("is not allowed")
        .message().doesNotContain("\n").doesNotContain("\t").doesNotContain("\u0000");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   "})
  void vmStemNeedsAName(String vmName) {
    assertThatThrownBy(() -> OutputNames.vmStem(vmName)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("source.vm_name is missing");
    assertThatThrownBy(() -> OutputNames.vmStem(null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("source.vm_name is missing");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "Ubuntu Server|Ubuntu_Server",
      "web01|web01",
      "web.example.com|web.example.com",
      "db_01-prod|db_01-prod",
      "SQL (prod) #2|SQL_prod_2",
      "'  padded  '|padded",
      "Grüße|Gr_e",
      "a:b*c?d|a_b_c_d"})
  void vmStemSanitisesOtherCharacters(String vmName, String stem) {
    assertThat(OutputNames.vmStem(vmName)).isEqualTo(stem);
  }

  @Test
  void vmStemIsAtMost200Characters() {
    assertThat(OutputNames.vmStem("v".repeat(300))).hasSize(200);
  }

  @ParameterizedTest
  @ValueSource(strings = {"vm.json", "vm.yaml", "vm.yml", "VM.JSON", "Ubuntu_Server.job-1.json", "a.b.c.yaml",
      "web.partner.example.com.job-1.json", "tmpl.json", "db.tmpfs.yaml", "vm.partition-2.json", "parts.yml"})
  void isManifestNameTakesJsonAndYaml(String name) {
    assertThat(OutputNames.isManifestName(name)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      ".vm.json", ".hidden.yaml", ".vm.json.1a2b3c.tmp",         // dotfiles, AtomicFiles temp names
      "vm.json.tmp", "vm.tmp.json", "vm.TMP.yaml",                 // .tmp
      "vm.json.part", "vm.part.json", "vm.partial.json", "vm.json.partial", // downloads in progress
      ".vm.json.swp", "vm.json.swp", "vm.json~", "~vm.json",       // editor swap and backup files
      "vm.txt", "vm.xml", "vm.qcow2", "vm", "vm.json.bak", "json", "README.md"})
  void isManifestNameIgnoresEverythingElse(String name) {
    assertThat(OutputNames.isManifestName(name)).isFalse();
  }

  @Test
  void aSubmissionIsAlwaysTakenAsAManifest() {
    for (String vm : new String[] {"web01", "Ubuntu Server", "web.partner.example.com", "app.tmpfs-host",
        "mail.partial.example.org"}) {
      String name = OutputNames.submissionName(OutputNames.vmStem(vm), "job-42");
      assertThat(OutputNames.isManifestName(name)).as(name).isTrue();
    }
    for (String jobId : new String[] {"tmp-1", "part-7", "partial.2026", "20260131.tmpjob"}) {
      String name = OutputNames.submissionName("web01", jobId);
      assertThat(OutputNames.isManifestName(name)).as(name).isTrue();
    }
  }

  @Test
  void submissionNameIsUniquePerJob() {
    assertThat(OutputNames.submissionName("Ubuntu_Server", "job-1")).isEqualTo("Ubuntu_Server.job-1.json");
    assertThat(OutputNames.submissionName("vm", "job-1")).isNotEqualTo(OutputNames.submissionName("vm", "job-2"));
    assertThatThrownBy(() -> OutputNames.submissionName("vm", "../job")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("metadata.job_id");
  }

  @ParameterizedTest
  @ValueSource(strings = {"job-1", "J.2026_01", "a", "0abc"})
  void validJobIds(String id) {
    assertThat(OutputNames.isValidJobId(id)).isTrue();
    assertThat(OutputNames.requireJobId(id)).isEqualTo(id);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-job", ".job", "_job", "a/b", "a b", "../x"})
  void invalidJobIds(String id) {
    assertThat(OutputNames.isValidJobId(id)).isFalse();
    assertThatThrownBy(() -> OutputNames.requireJobId(id)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("metadata.job_id");
    assertThat(OutputNames.isValidJobId(null)).isFalse();
    assertThat(OutputNames.isValidJobId("j".repeat(129))).isFalse();
  }

  @ParameterizedTest
  @CsvSource({"vm.json,vm", ".hidden.json,hidden", "my vm.yaml,my_vm", "noext,noext", ".json,json", "...,manifest"})
  void manifestStemIsAlwaysASafeName(String file, String stem) {
    assertThat(OutputNames.manifestStem(file)).isEqualTo(stem);
  }

  @Test
  void outputFilesFollowTheContract() {
    OutputFiles f = new OutputFiles(Path.of("/out"), "Ubuntu_Server");
    assertThat(f.primaryDisk("qcow2")).isEqualTo(Path.of("/out/Ubuntu_Server.qcow2"));
    assertThat(f.extraDisk("disk1", "qcow2")).isEqualTo(Path.of("/out/Ubuntu_Server-disk1.qcow2"));
    assertThat(f.domainXml()).isEqualTo(Path.of("/out/Ubuntu_Server.xml"));
    assertThat(f.resultJson()).isEqualTo(Path.of("/out/Ubuntu_Server.result.json"));
    assertThat(f.errorFile()).isEqualTo(Path.of("/out/Ubuntu_Server.error"));
  }

  @Test
  void queueLayoutKeepsWorkInHiddenFolders() {
    QueueLayout q = new QueueLayout(Path.of("/q/./watch"), Path.of("/q/out/../out"));
    assertThat(q.watchDir()).isEqualTo(Path.of("/q/watch"));
    assertThat(q.outputDir()).isEqualTo(Path.of("/q/out"));
    assertThat(q.processingDir("host-1")).isEqualTo(Path.of("/q/watch/.processing/host-1"));
    assertThat(q.processedDir()).isEqualTo(Path.of("/q/watch/.processed"));
    assertThat(q.failedDir()).isEqualTo(Path.of("/q/watch/.failed"));
    assertThat(q.heartbeatFile("host-1")).isEqualTo(Path.of("/q/watch/.heartbeat/host-1.json"));
    assertThat(q.jobRecord("job-1")).isEqualTo(Path.of("/q/out/.jobs/job-1.json"));
    assertThatThrownBy(() -> q.jobRecord("../../etc/x")).isInstanceOf(IllegalArgumentException.class);
    assertThat(q.outputsFor("vm").primaryDisk("qcow2")).isEqualTo(Path.of("/q/out/vm.qcow2"));
  }
}
