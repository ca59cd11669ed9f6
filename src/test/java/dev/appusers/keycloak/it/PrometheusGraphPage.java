package dev.appusers.keycloak.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;

/**
 * Prometheus's own graph page ({@code /classic/graph}, the page Debian's Prometheus serves) showing some expressions
 * over the last moments, in headless Chromium ({@link Browser}), saved as a PNG: what an operator sees on it.
 */
public final class PrometheusGraphPage {

    /** One graph of the page: an expression, its lines stacked or not. */
    public record Graph(String expr, boolean stacked) {
    }

    /** What the page showed: the graphs' legends, the page's text, and the picture. */
    public record Shot(String legends, String text, Path png) {
    }

    private PrometheusGraphPage() {
    }

    /**
     * Opens the page with {@code graphs} over the last {@code range}, waits until each is drawn and the legends name
     * {@code awaited}, and saves the window to {@code target/screenshots/<name>.png}.
     */
    public static Shot capture(Prometheus prometheus, List<Graph> graphs, Duration range, String awaited,
                               String name) {
        StringBuilder url = new StringBuilder(prometheus.url() + "/classic/graph?");
        for (int i = 0; i < graphs.size(); i++) {
            String g = (i == 0 ? "" : "&") + "g" + i + ".";
            url.append(g).append("expr=").append(Http.encode(graphs.get(i).expr())).append("&g").append(i)
                    .append(".tab=0&g").append(i).append(".range_input=").append(range.toSeconds()).append('s')
                    .append(graphs.get(i).stacked() ? "&g" + i + ".stacked=1" : "");
        }
        try (Browser browser = Browser.start()) {
            browser.driver.manage().window().setSize(new Dimension(1280, 120 + 790 * graphs.size()));
            browser.open(url.toString());
            browser.waitFor(d -> d.findElements(By.cssSelector(".graph_area svg path")).size() >= graphs.size());
            String legends = browser.waitFor(d -> {
                String text = d.findElements(By.cssSelector(".legend")).stream().map(WebElement::getText)
                        .reduce("", (a, b) -> a + "\n" + b);
                return text.contains(awaited) ? text : null;
            });
            // the whole expressions readable, no caret in the picture
            browser.driver.executeScript("document.querySelectorAll('textarea').forEach(t => "
                    + "t.style.height = t.scrollHeight + 'px'); document.activeElement.blur();");
            return new Shot(legends, browser.pageText(), browser.screenshot(name));
        }
    }
}
