package dev.rollgate.controlplane.security.console;

import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.springframework.security.oauth2.client.oidc.userinfo.OidcReactiveOAuth2UserService;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.userinfo.DefaultReactiveOAuth2UserService;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserRequest;
import org.springframework.security.oauth2.client.userinfo.ReactiveOAuth2UserService;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.oauth2.core.user.DefaultOAuth2User;
import org.springframework.security.oauth2.core.user.OAuth2User;

import dev.rollgate.controlplane.security.Role;
import reactor.core.publisher.Mono;

/** Gives people signed in through GitHub or an OIDC issuer their console role, or refuses them. */
public final class MappedUsers {

    private MappedUsers() {
    }

    public static ReactiveOAuth2UserService<OidcUserRequest, OidcUser> oidc(RoleMapper mapper, String groupClaim) {
        OidcReactiveOAuth2UserService delegate = new OidcReactiveOAuth2UserService();
        return request -> delegate.loadUser(request).flatMap(user -> {
            Map<String, Object> claims = user.getClaims();
            // preferred_username is neither unique nor stable in OIDC and many issuers let people edit it, and an
            // unverified email can be anyone's: roles (and the name in the audit log) rest on sub and verified
            // email only.
            String email = Boolean.TRUE.equals(claims.get("email_verified")) ? (String) claims.get("email") : null;
            String subject = (String) claims.get("sub");
            return role(mapper, subject, email, groups(claims.get(groupClaim)))
                    .map(role -> (OidcUser) new DefaultOidcUser(role.authorities(), user.getIdToken(),
                            user.getUserInfo(), email != null ? "email" : "sub"));
        });
    }

    public static ReactiveOAuth2UserService<OAuth2UserRequest, OAuth2User> oauth2(RoleMapper mapper, String groupClaim) {
        DefaultReactiveOAuth2UserService delegate = new DefaultReactiveOAuth2UserService();
        return request -> delegate.loadUser(request).flatMap(user -> {
            Map<String, Object> attributes = user.getAttributes();
            String key = request.getClientRegistration().getProviderDetails().getUserInfoEndpoint()
                    .getUserNameAttributeName();
            String login = first(attributes, "login", "preferred_username", key);
            return role(mapper, login, (String) attributes.get("email"), groups(attributes.get(groupClaim)))
                    .map(role -> (OAuth2User) new DefaultOAuth2User(role.authorities(), attributes,
                            attributes.containsKey("login") ? "login" : key));
        });
    }

    private static Mono<Role> role(RoleMapper mapper, String login, String email, Collection<String> groups) {
        return Mono.justOrEmpty(mapper.roleOf(login, email, groups)).switchIfEmpty(Mono.error(
                new OAuth2AuthenticationException(new OAuth2Error("access_denied",
                        "'" + printable(login) + "' has no Rollgate role; ask an admin to grant one", null))));
    }

    /** Identity strings come from the provider and end up in logs: no control characters. */
    static String printable(String s) {
        return s == null ? null : s.replaceAll("\\p{Cntrl}", "?");
    }

    private static String first(Map<String, Object> attributes, String... keys) {
        for (String key : keys) {
            if (key != null && attributes.get(key) != null) {
                return String.valueOf(attributes.get(key));
            }
        }
        return null;
    }

    private static Collection<String> groups(Object claim) {
        if (claim instanceof Collection<?> c) {
            return c.stream().map(String::valueOf).toList();
        }
        return claim instanceof String s ? List.of(s.split("[ ,]+")) : List.of();
    }
}
