package dev.rollgate.controlplane.intake.api;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

import dev.rollgate.controlplane.release.ReleaseProblem;
import dev.rollgate.controlplane.release.ReleaseProblem.FieldProblem;
import dev.rollgate.controlplane.security.ApiPrincipal;
import dev.rollgate.controlplane.security.ApiToken;
import dev.rollgate.controlplane.security.Role;
import dev.rollgate.controlplane.security.TokenService;
import reactor.core.publisher.Mono;

/** Admin-only token management; the secret is in the creation response and nowhere else, ever. */
@RestController
@RequestMapping("/api/tokens")
public class TokenController {

    private final TokenService tokens;
    private final IntakeAudit audit;

    public TokenController(TokenService tokens, IntakeAudit audit) {
        this.tokens = tokens;
        this.audit = audit;
    }

    /** A refused token command (a name in use, an unknown token) is in the audit log like any other refusal. */
    private <T> Mono<T> auditRefusal(Mono<T> command, ServerWebExchange exchange) {
        return command.onErrorResume(ReleaseProblem.class, e -> audit.refused(exchange, e).then(Mono.error(e)));
    }

    public record TokenView(UUID id, String name, String role, String createdBy, Instant createdAt, Instant revokedAt) {
        static TokenView of(ApiToken t) {
            return new TokenView(t.id(), t.name(), t.role().id(), t.createdBy(), t.createdAt(), t.revokedAt());
        }
    }

    public record CreatedToken(UUID id, String name, String role, String token, Instant createdAt) {
        @Override
        public String toString() {
            return "CreatedToken[" + id + ", " + name + ", " + role + ", token=***]";
        }
    }

    @PostMapping
    public Mono<ResponseEntity<CreatedToken>> create(@RequestBody Requests.CreateToken body,
                                                     @AuthenticationPrincipal ApiPrincipal caller,
                                                     ServerWebExchange exchange) {
        List<FieldProblem> problems = new java.util.ArrayList<>();
        if (body == null || !TokenService.validName(body.name())) {
            problems.add(new FieldProblem("name", "must be " + TokenService.NAME_RULE));
        }
        var role = body == null ? java.util.Optional.<Role>empty() : Role.parse(body.role());
        if (role.isEmpty()) {
            problems.add(new FieldProblem("role", "must be one of viewer, release-manager, admin"));
        }
        if (!problems.isEmpty()) {
            return Mono.error(IntakeRefusal.badInput(problems));
        }
        return auditRefusal(tokens.create(body.name(), role.get(), caller.actor())
                .map(issued -> ResponseEntity.status(HttpStatus.CREATED)
                        .location(URI.create("/api/tokens/" + issued.token().id()))
                        .header("Cache-Control", "no-store")
                        .body(new CreatedToken(issued.token().id(), issued.token().name(), issued.token().role().id(),
                                issued.secret(), issued.token().createdAt()))), exchange);
    }

    @GetMapping
    public Mono<List<TokenView>> list() {
        return tokens.list().map(TokenView::of).collectList();
    }

    @DeleteMapping("/{id}")
    public Mono<ResponseEntity<Void>> revoke(@PathVariable UUID id, @AuthenticationPrincipal ApiPrincipal caller,
                                             ServerWebExchange exchange) {
        return auditRefusal(tokens.revoke(id, caller.actor()).flatMap(done -> done
                ? Mono.just(ResponseEntity.noContent().<Void>build())
                : Mono.<ResponseEntity<Void>>error(ReleaseProblem.notFound("no active token " + id))), exchange);
    }
}
