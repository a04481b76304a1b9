package io.hypersdk.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every relative link in README.md and docs/*.md points to a file or folder that exists. */
class LinksTest {
  /** [text](target) and [text](target "title"); images too. */
  private static final Pattern LINK = Pattern.compile("\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");

  @Test
  void everyRelativeLinkPointsToAnExistingFile() throws IOException {
    Path root = Docs.root();
    List<Path> files = new ArrayList<>();
    files.add(root.resolve("README.md"));
    try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    List<String> broken = new ArrayList<>();
    int checked = 0;
    for (Path file : files) {
      List<String> lines = Files.readAllLines(file);
      boolean fenced = false;
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).strip().startsWith("```")) {
          fenced = !fenced;
        }
        if (fenced) {
          continue;
        }
        Matcher m = LINK.matcher(lines.get(i));
        while (m.find()) {
          String target = m.group(1);
          if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*") || target.startsWith("#")) {
            continue; // http:, https:, mailto:, man: and anchors within the page
          }
          String path = target.replaceFirst("#.*$", "");
          checked++;
          if (!Files.exists(file.getParent().resolve(path).normalize())) {
            broken.add(root.relativize(file) + ":" + (i + 1) + ": " + target);
          }
        }
      }
    }
    assertThat(checked).as("relative links found").isPositive();
    Missing.failIfAny("README.md and docs/*.md", "link targets", broken);
  }
}
