package dev.rollgate.controlplane.intake.api;

import java.util.UUID;

import org.springframework.http.HttpMethod;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

import dev.rollgate.controlplane.release.AuditTrail;
import dev.rollgate.controlplane.release.Command;
import dev.rollgate.controlplane.release.ReleaseProblem;
import dev.rollgate.controlplane.security.ApiPrincipal;
import reactor.core.publisher.Mono;

/**
 * Audits commands refused before the engine saw them. Which command it was is read from the route, as the
 * body may be what could not be read; reads (GET) are not commands and are not audited.
 */
@Component
public class IntakeAudit {

    private final AuditTrail audit;

    public IntakeAudit(AuditTrail audit) {
        this.audit = audit;
    }

    Mono<Void> refused(ServerWebExchange exchange, String detail) {
        return refused(exchange, new ReleaseProblem(ReleaseProblem.Kind.INVALID, "Refused", detail,
                java.util.List.of(), java.util.Map.of()));
    }

    Mono<Void> refused(ServerWebExchange exchange, ReleaseProblem problem) {
        if (exchange.getRequest().getMethod() == HttpMethod.GET) {
            return Mono.empty();
        }
        Route route = route(exchange.getRequest().getPath().pathWithinApplication().value(),
                exchange.getRequest().getMethod());
        if (route == null) {
            return Mono.empty();
        }
        return exchange.getPrincipal()
                .filter(p -> p instanceof Authentication a && a.getPrincipal() instanceof ApiPrincipal)
                .map(p -> (ApiPrincipal) ((Authentication) p).getPrincipal())
                .flatMap(caller -> audit.refusedAtIntake(problem, caller.actor(), route.action(), route.application(),
                        route.environment(), route.release()));
    }

    record Route(String action, String application, String environment, UUID release) {
    }

    static Route route(String path, HttpMethod method) {
        String[] parts = path.split("/", -1);
        if (method == HttpMethod.POST && path.equals("/api/releases")) {
            return new Route("CREATE", null, null, null);
        }
        if (method == HttpMethod.POST && parts.length == 5 && path.startsWith("/api/releases/")) {
            return Command.Type.parse(parts[4])
                    .map(type -> new Route(type.name(), null, null, uuid(parts[3]))).orElse(null);
        }
        if (method == HttpMethod.POST && parts.length == 7 && parts[1].equals("api")
                && parts[2].equals("applications") && parts[4].equals("environments") && parts[6].equals("rollback")) {
            return new Route("ROLLBACK_TO", parts[3], parts[5], null);
        }
        if (method == HttpMethod.POST && path.equals("/api/tokens")) {
            return new Route("TOKEN_CREATE", null, null, null);
        }
        if (method == HttpMethod.DELETE && path.startsWith("/api/tokens/")) {
            return new Route("TOKEN_REVOKE", null, null, null);
        }
        return null;
    }

    private static UUID uuid(String s) {
        try {
            return UUID.fromString(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
