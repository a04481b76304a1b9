package io.hypersdk.apps.hypervisord;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What every dashboard page must satisfy at any width, checked in the browser: nothing wider than the viewport
 * (the document does not scroll sideways and no element's right edge is past the viewport) and every visible
 * control (input, select, textarea, button) has an accessible name. Each check leaves a full-page screenshot.
 */
final class PageChecks {
  /** Elements whose right edge is past the viewport, as "tag.class (right edge)". */
  private static final String BEYOND = """
      w => [...document.querySelectorAll('body *')]
        .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.right > w + 0.5; })
        .map(e => e.tagName.toLowerCase() + '.' + e.className + ' (' + Math.round(e.getBoundingClientRect().right) + ')')
      """;
  private static final Pattern NOT_BLANK = Pattern.compile("\\S");

  private PageChecks() {}

  /** Checks the page as it is shown now and saves it as {@code target/screenshots/NAME.png}. */
  static Path check(Page page, String name) {
    int width = page.viewportSize().width;
    Number scrollWidth = (Number) page.evaluate(
        "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)");
    assertThat(scrollWidth.intValue()).as("%s: the document's width at a %d px viewport", name, width)
        .isLessThanOrEqualTo(width);
    @SuppressWarnings("unchecked")
    List<String> beyond = (List<String>) page.evaluate(BEYOND, width);
    assertThat(beyond).as("%s: elements past the right edge of a %d px viewport", name, width).isEmpty();

    Locator controls = page.locator("input, select, textarea, button");
    int count = controls.count();
    for (int i = 0; i < count; i++) {
      Locator control = controls.nth(i);
      if (control.isVisible()) {
        try {
          assertThat(control).hasAccessibleName(NOT_BLANK);
        } catch (AssertionError e) {
          throw new AssertionError(name + ": a control without an accessible name: "
              + control.evaluate("e => e.outerHTML"), e);
        }
      }
    }
    Path shot = Chromium.screenshot(name);
    page.screenshot(new Page.ScreenshotOptions().setPath(shot).setFullPage(true));
    return shot;
  }
}
