package io.hypersdk.apps.hypervisord;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import io.hypersdk.testing.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Debian's chromium, headless, driven by Playwright with a fresh profile. Playwright never downloads a
 * browser here (PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 is set for the tests and for its driver).
 */
final class Chromium implements AutoCloseable {
  static final Path EXECUTABLE = Path.of("/usr/bin/chromium");
  private static final List<String> ARGS = List.of("--no-sandbox", "--headless", "--disable-gpu", "--disable-quic",
      "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync");
  /** Where the tests leave their screenshots (the module's target folder). */
  static final Path SCREENSHOTS = Path.of("target", "screenshots").toAbsolutePath();

  final Playwright playwright;
  final BrowserContext context;

  private Chromium(Playwright playwright, BrowserContext context) {
    this.playwright = playwright;
    this.context = context;
  }

  static Chromium launch(Path profile, int width, int height) throws IOException {
    Tools.require("chromium", "chromium");
    Files.createDirectories(SCREENSHOTS);
    Playwright pw = Playwright.create(new Playwright.CreateOptions()
        .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    try {
      BrowserContext ctx = pw.chromium().launchPersistentContext(Files.createDirectories(profile),
          new BrowserType.LaunchPersistentContextOptions().setExecutablePath(EXECUTABLE).setHeadless(true)
              .setArgs(ARGS).setViewportSize(width, height));
      ctx.setDefaultTimeout(15_000);
      return new Chromium(pw, ctx);
    } catch (RuntimeException e) {
      pw.close();
      throw e;
    }
  }

  static Path screenshot(String name) {
    return SCREENSHOTS.resolve(name + ".png");
  }

  @Override
  public void close() {
    try {
      context.close();
    } finally {
      playwright.close();
    }
  }
}
